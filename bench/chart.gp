# chart.gp - docs/performance.png from the data bench/run.py writes:
#   gnuplot -e "data='results.tsv'; out='performance.png'" bench/chart.gp
# Columns: scenario, server, req/s, p50 ms, p99 ms, colour (1 Falconieri,
# 2 no-op reference, 3 nginx alone, 4 the reference making only the
# vendor call).  Both axes are logarithmic: the
# figures span three orders of magnitude.

set terminal pngcairo size 1300,820 font "sans,10"
set output out
set datafile separator "\t"
set multiplot layout 2,1 title "Falconieri behind nginx, against the FastCGI references (make bench)"

set style fill solid 0.85 border -1
set boxwidth 0.6
set logscale y
set grid ytics
set xrange [-0.6:10.6]
set bmargin 4
set linetype 1 lc rgb "#1f77b4"
set linetype 2 lc rgb "#ff7f0e"
set linetype 3 lc rgb "#7f7f7f"
set linetype 4 lc rgb "#2ca02c"
set xtics scale 0
unset key

set title "throughput (requests/s, more is better)"
set ylabel "req/s"
set yrange [100:*]
plot data using 0:3:6:xtic(stringcolumn(1)."\n".stringcolumn(2)) \
	with boxes lc variable, \
     data using 0:3:(sprintf("%.0f", $3)) with labels offset 0,0.7

set title "latency (p99 bars, p50 points; ms, less is better)"
set ylabel "ms"
set yrange [0.01:*]
plot data using 0:5:6:xtic(stringcolumn(1)."\n".stringcolumn(2)) \
	with boxes lc variable, \
     data using 0:4 with points pt 7 ps 1.2 lc rgb "black", \
     data using 0:5:(sprintf("%.1f", $5)) with labels offset 0,0.7

unset multiplot
