"""The operator page's batches (SPEC §6, §7) in a real browser: a CSV of
500 devices dropped on the page runs to a full progress bar, its failed
rows (refused by the simulator on purpose) download as CSV with the
right contents; a running batch is cancelled and its pending devices are
never sent; an invalid CSV lists its bad rows; the recent batches are
listed.  The SQLite store lives in a temporary folder (PageTest)."""

import csv
import io
import time

from test_page import AUTH, URL, PageTest

HEADER = ["row", "provider", "mac", "state", "error", "message", "attempts",
          "device_pin", "lookup_state", "lookup_url"]


def mac(i):
    return "AC-DE-48-%02X-%02X-%02X" % ((i >> 16) & 0xff, (i >> 8) & 0xff,
                                        i & 0xff)


def csv_text(macs, provider="snom"):
    lines = ["provider,mac,url"]
    lines += ["%s,%s,%s" % (provider, m, URL) for m in macs]
    return "\r\n".join(lines) + "\r\n"


class PageBatchTest(PageTest):
    SIMS = ("snom",)
    REST = ()
    PROVIDERS = "snom"

    def api(self, path):
        st, _, body, js = self.req("GET", path, headers=AUTH)
        self.assertEqual(st, 200, body[:300])
        return js


class TestPageBatches(PageBatchTest):

    def test_500_rows_full_progress_and_failed_csv(self):
        macs = [mac(i) for i in range(1, 501)]
        failing = macs[6::71]  # 7 devices the vendor refuses, for good
        for m in failing:
            self.sim("snom").script(m, "Error:malformed_url")
        self.open()
        b = self.step("uploadBatch", csv=csv_text(macs), drop=True,
                      action="register")
        self.assertEqual((b["shown"], b["csvError"], b["rows"]),
                         (True, "", []), b)
        self.assertRegex(b["id"], r"^[0-9a-f]{16}$")
        b = self.step("waitBatch", state="done", timeout=180000)
        self.assertEqual((b["value"], b["max"]), (500, 500), b)
        self.assertEqual(b["status"], "register, done: 500 of 500 done, "
                         "493 succeeded, 7 failed.")
        self.assertFalse(b["cancelVisible"])
        self.assertEqual(len(self.sim("snom").registry), 493)
        # The same counts as the API's.
        js = self.api("/batches/" + b["id"])
        self.assertEqual((js["total"], js["pending"], js["succeeded"],
                          js["failed"]), (500, 0, 493, 7))
        # The failed devices, downloaded as CSV.
        f = self.step("failedCsv")
        self.assertEqual(f["name"], "batch-%s-failed.csv" % b["id"])
        rows = list(csv.reader(io.StringIO(f["text"])))
        self.assertEqual(rows[0], HEADER)
        got = [dict(zip(HEADER, r)) for r in rows[1:]]
        self.assertEqual([r["mac"] for r in got], failing)
        self.assertEqual([int(r["row"]) for r in got],
                         [macs.index(m) + 1 for m in failing])
        for r in got:
            self.assertEqual((r["provider"], r["state"], r["error"],
                              r["attempts"]),
                             ("snom", "failed", "malformed_url", "1"), r)
        # Listed among the recent batches, newest first.
        b = self.step("batch")
        self.assertEqual(b["recent"][0][:3], [b["id"], "register", "done"])
        self.assertNoProblems()

    # Cancel batch while the vendor holds every call: the devices still
    # pending are never sent.
    def test_cancel_running_batch(self):
        self.sim("snom").script(None, "hang")
        macs = [mac(0x1000 + i) for i in range(40)]
        self.open()
        b = self.step("uploadBatch", csv=csv_text(macs), action="register")
        self.assertTrue(b["cancelVisible"], b)
        b = self.step("cancelBatch")
        self.assertIn("register, cancelled: ", b["status"])
        self.assertFalse(b["cancelVisible"])
        js = self.api("/batches/" + b["id"])
        self.assertEqual(js["state"], "cancelled")
        sent = len(self.sim("snom").calls)
        self.assertLess(sent, 40)
        # Calls in flight end with the vendor's timeout (3 s); nothing
        # pending goes out afterwards.
        time.sleep(4)
        self.sim("snom").script(None, None)
        time.sleep(1)
        self.assertEqual(len(self.sim("snom").calls), sent)
        self.assertEqual(self.api("/batches/" + b["id"])["state"],
                         "cancelled")

    # A CSV with bad rows: nothing stored, the rows listed with their code.
    def test_invalid_csv_lists_rows(self):
        self.open()
        before = len(self.api("/batches?limit=1000")["batches"])
        text = "provider,mac,url\r\nsnom,%s,%s\r\nsnom,ZZ-DE-48-00-00-01,%s\r\n" \
               "acme,%s,%s\r\n" % (mac(1), URL, URL, mac(2), URL)
        b = self.step("uploadBatch", csv=text, action="register")
        self.assertTrue(b["csvError"].startswith("invalid_batch"), b)
        self.assertEqual(b["rows"], ["Row 2: malformed_mac_address",
                                     "Row 3: provider_not_supported"])
        self.assertFalse(b["shown"])
        self.assertEqual(len(self.api("/batches?limit=1000")["batches"]),
                         before)
