"""Fanvil end to end (SPEC §2.1): nginx -> Falconieri -> the Fanvil
simulator.  Basic auth with hex(md5(hex(md5(password)))); a registration
is deleteServer, addMaterialServer, deRegisterDevice, registerDevice; a
deregistration is deRegisterDevice then deleteServer.

A query string has no field of its own at Fanvil: it stays on cfgPfName,
so that "<protocol>://cfgPfSrv/cfgPfName" is the URL the client sent."""

import hashlib
import time

from xmlrpc_case import (MAC, MAC12, URL, URL2, XmlRpcVendorTest, basic)

DELETE_SERVER = "redirect.deleteServer"
ADD_SERVER = "redirect.addMaterialServer"
UNBIND = "redirect.deRegisterDevice"
BIND = "redirect.registerDevice"

# addMaterialServer and registerDevice tolerate nothing.
STRICT = (
    ("Error: url_format_error", "malformed_url"),
    ("Error: mac_format_error", "not_valid_mac_address"),
    ("Error: device_had_existed", "device_owned_by_other_user"),
    ("Error:url_format_error", "unknown_provider_error"),
    ("Error: device_had_existed!", "unknown_provider_error"),
    ("Error:server_not_exist", "unknown_provider_error"),
    ("Error:device_not_exist", "unknown_provider_error"),
    ("Error: server_had_existed", "unknown_provider_error"),
)

# Both calls of a deregistration: an unknown device or server is done.
TOLERANT = (
    ("Error:device_not_exist", None),
    ("Error:server_not_exist", None),
    ("Error: mac_format_error", "not_valid_mac_address"),
    ("Error: device_had_existed", "device_owned_by_other_user"),
    ("Error: url_format_error", "malformed_url"),
    ("Error:device_not_exist ", "unknown_provider_error"),
    ("Error: permission_denied", "unknown_provider_error"),
)


def md5hex(text):
    return hashlib.md5(text.encode()).hexdigest()


def server_items(srv, name, prot, mac12=MAC12):
    """The one array addMaterialServer must carry."""
    return ["cfgName=" + mac12, "cfgPfMode=1", "cfgDhcpOpt=false",
            "cfgPnpEnable=false", "cfgPfSrv=" + srv, "cfgPfName=" + name,
            "cfgPfProt=" + prot]


class FanvilTest(XmlRpcVendorTest):
    SIMS = ("fanvil",)
    VENDOR = "fanvil"


class TestFanvil(FanvilTest):

    def test_register(self):
        self.assertEmptyOK(self.put(mac="ac:de:48:23:45:67"))
        self.assertCalls([
            (DELETE_SERVER, (MAC12,)),
            (ADD_SERVER, (server_items(
                "pbx.example.com", "prov/?a=1&b=%20x+y&c='q'", "5"),)),
            (UNBIND, (MAC12,)),
            (BIND, (MAC12, MAC12))])
        self.assertEqual(self.vsim.registry, {MAC12: URL})

    def test_password_is_double_md5(self):
        self.assertEmptyOK(self.put())
        self.assertEmptyOK(self.put(URL2))
        want = basic("user-fanvil", md5hex(md5hex("secret-fanvil")))
        for c in self.vsim.calls_of():
            self.assertEqual(c.authorization, want)
        self.assertNotIn(b"secret-fanvil", b"".join(
            c.body for c in self.vsim.calls_of()))

    def test_register_replaces_url(self):
        self.assertEmptyOK(self.put())
        self.assertEmptyOK(self.put(URL2))
        self.assertEqual(self.vsim.registry, {MAC12: URL2})
        self.assertEqual(list(self.vsim.servers), [MAC12])

    def test_server_items(self):
        cases = (
            ("ftp://10.1.2.3/cfg", "10.1.2.3", "cfg", "1"),
            ("tftp://10.1.2.3:6969/a/b.cfg", "10.1.2.3:6969", "a/b.cfg", "2"),
            ("http://pbx:80/p", "pbx:80", "p", "4"),
            ("https://pbx.example.com:8443/Prov/", "pbx.example.com:8443",
             "Prov/", "5"),
            ("HTTPS://PBX.example.com/x", "PBX.example.com", "x", "5"),
            ("https://pbx", "pbx", "", "5"),
            ("http://[2001:db8::1]:8080/x/%7e/{mac}", "[2001:db8::1]:8080",
             "x/%7e/{mac}", "4"),
            # The query string rides on the path, as written.
            ("https://pbx/prov/?tenant=a&k=%20", "pbx", "prov/?tenant=a&k=%20",
             "5"),
            ("http://pbx?x=1", "pbx", "?x=1", "4"),
        )
        for url, srv, name, prot in cases:
            with self.subTest(url=url):
                self.vsim.reset()
                self.assertEmptyOK(self.put(url))
                self.assertEqual(self.vsim.calls_of(ADD_SERVER)[0].params,
                                 (server_items(srv, name, prot),))

    def test_query_round_trips(self):
        url = "http://pbx.example.com:8080/p/{mac}.cfg?token=a%2Fb&x"
        self.assertEmptyOK(self.put(url))
        self.assertEqual(self.vsim.registry, {MAC12: url})

    def test_user_info_and_fragment_dropped(self):
        self.assertEmptyOK(self.put("http://u:pw@pbx/p?q=1#frag"))
        self.assertEqual(self.vsim.calls_of(ADD_SERVER)[0].params,
                         (server_items("pbx", "p?q=1", "4"),))

    def test_deregister(self):
        self.assertEmptyOK(self.put())
        self.vsim.calls.clear()
        self.assertEmptyOK(self.delete("ac-de-48-23-45-67"))
        self.assertCalls([(UNBIND, (MAC12,)), (DELETE_SERVER, (MAC12,))])
        self.assertEqual(self.vsim.registry, {})
        self.assertEqual(self.vsim.servers, {})

    def test_deregister_unknown_is_success(self):
        # The simulator answers device_not_exist, then server_not_exist.
        self.assertEmptyOK(self.delete())
        self.assertCalls([(UNBIND, (MAC12,)), (DELETE_SERVER, (MAC12,))])

    def test_delete_server_refusals(self):
        self.assertRefusals("PUT", DELETE_SERVER, (
            ("Error:server_not_exist", None),
            ("Error: mac_format_error", "not_valid_mac_address"),
            ("Error: url_format_error", "malformed_url"),
            ("Error:device_not_exist", "unknown_provider_error"),
            ("Error: server_not_exist", "unknown_provider_error"),
        ))

    def test_add_server_refusals(self):
        self.assertRefusals("PUT", ADD_SERVER, STRICT)

    def test_unbind_answer_ignored(self):
        self.assertIgnoredAnswer("PUT", UNBIND, BIND)

    def test_bind_refusals(self):
        self.assertRefusals("PUT", BIND, STRICT)

    def test_deregister_refusals(self):
        self.assertRefusals("DELETE", UNBIND, TOLERANT)
        self.assertRefusals("DELETE", DELETE_SERVER, TOLERANT)

    def test_owned_by_other_user_from_vendor_state(self):
        self.vsim.foreign.add(MAC12)
        js = self.assertError(self.put(), 500, "device_owned_by_other_user")
        self.assertIn("Error: device_had_existed", js.get("message", ""))
        self.assertEqual(self.vsim.calls_of()[-1].method, BIND)
        self.assertRecovers()

    def test_counted_failures(self):
        for rpc_method in (DELETE_SERVER, ADD_SERVER, BIND):
            self.assertCountedFailures("PUT", rpc_method)
        for rpc_method in (UNBIND, DELETE_SERVER):
            self.assertCountedFailures("DELETE", rpc_method)

    def test_timeouts(self):
        for rpc_method in (DELETE_SERVER, ADD_SERVER, UNBIND, BIND):
            self.assertTimeout("PUT", rpc_method)
        self.assertTimeout("DELETE", UNBIND)


class TestFanvilWrongPassword(FanvilTest):
    CONFIG = {"providers": {"fanvil": {"password": "not-the-password"}}}

    def test_vendor_401(self):
        self.assertWrongPassword()


class TestFanvilPasswordFromEnv(FanvilTest):
    # The environment's password is hashed too (after it replaced the file's).
    CONFIG = {"providers": {"fanvil": {"password": "not-the-password"}}}
    ENV = {"FANVIL_PASSWORD": "secret-fanvil"}

    def test_env_password_hashed(self):
        self.assertEmptyOK(self.put())
        self.assertEmptyOK(self.delete())
        self.assertEqual(len(self.vsim.calls_of()), 6)


class TestFanvilTimeoutBudget(FanvilTest):
    """timeout_ms is the budget of the whole dialogue (issue 13 item 4):
    with every answer 1.5 s late, the four calls of a registration would
    take 6 s; the budget of 4 s stops the third call at 4 s."""
    CONFIG = {"connect_timeout_ms": 1000, "timeout_ms": 4000}

    def test_register_stops_when_budget_spent(self):
        self.vsim.delay = 1.5
        t0 = time.monotonic()
        js = self.assertError(self.put(), 500,
                              "connection_to_remote_provider_failed")
        took = time.monotonic() - t0
        self.assertGreater(took, 3.5)
        self.assertLess(took, 5.0)
        self.assertIn("timeout_ms budget of 4000 ms", js.get("message", ""))
        self.assertEqual([c.method for c in self.vsim.calls_of()],
                         [DELETE_SERVER, ADD_SERVER, UNBIND])

    def test_deregister_within_budget(self):
        # Two calls of 1.5 s fit in the budget of 4 s.
        self.vsim.delay = 1.5
        self.assertEmptyOK(self.delete())
        self.assertEqual(len(self.vsim.calls_of()), 2)
