<?php
// The request NethVoice makes to register a phone, as its PHP code makes
// it with libcurl: PUT of {"url": ...} (slashes unescaped) with JSON
// content type and accept in its charset form, HTTP Basic credentials and
// no timeout.  Usage: php nethvoice.php BASE PROVIDER MAC URL USER SECRET
// (SECRET on standard input when "-").  Prints {"status","body"} as JSON.
[$self, $base, $provider, $mac, $url, $user, $secret] = $argv;
if ($secret === '-') {
    $secret = rtrim(stream_get_contents(STDIN), "\n");
}
$ch = curl_init($base . '/providers/' . $provider . '/' . $mac);
curl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'PUT');
curl_setopt($ch, CURLOPT_POSTFIELDS,
            json_encode(['url' => $url], JSON_UNESCAPED_SLASHES));
curl_setopt($ch, CURLOPT_HTTPHEADER, [
    'Content-Type: application/json;charset=utf-8',
    'Accept: application/json;charset=utf-8',
]);
curl_setopt($ch, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
curl_setopt($ch, CURLOPT_USERPWD, $user . ':' . $secret);
curl_setopt($ch, CURLOPT_TIMEOUT, 0);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$body = curl_exec($ch);
if ($body === false) {
    fwrite(STDERR, 'curl: ' . curl_error($ch) . "\n");
    exit(1);
}
echo json_encode(['status' => curl_getinfo($ch, CURLINFO_RESPONSE_CODE),
                  'body' => $body]), "\n";
