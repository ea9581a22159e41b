"""The life of a simulator's server, shared by every vendor simulator.

A subclass sets self.server (a socketserver server), self.stopping (a
threading.Event its handlers watch while "hanging") and self.thread = None.
"""

import sys
import threading


class ServedSim:
    def start(self):
        """Serves in a background thread; returns self."""
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self):
        """Releases hanging answers, stops serving, closes the socket."""
        self.stopping.set()
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join(5)
            self.thread = None
        self.server.server_close()

    def run(self, banner):
        """Run as a program: prints banner, serves in the foreground until
        interrupted; returns the exit status (0)."""
        sys.stdout.write(banner + "\n")
        sys.stdout.flush()
        try:
            self.server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0
