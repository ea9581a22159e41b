#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/
(seed-* files; crash-* files kept there are found inputs, never rewritten).

    python3 tests/fuzz/seeds.py

The formats are those the targets' comments describe: fuzz_request takes
flags, chunk and NUL-separated fields; fuzz_ymcs a status byte and a body;
fuzz_xmlrpc and fuzz_config the bytes of an answer or of a file.
"""

import hashlib
import json
import os
import xmlrpc.client

HERE = os.path.dirname(os.path.abspath(__file__))
MAC = "AC-DE-48-23-45-67"


def request(flags, method, uri, body=b"", path_info=b"", query=b"",
            auth=b"", answers=(), chunk=0):
    fields = [method, uri, path_info, query, auth, body] + list(answers)
    return bytes([flags, chunk]) + b"\0".join(
        f if isinstance(f, bytes) else f.encode() for f in fields)


def answer(status_index, body, link=False):
    b = status_index | (0x40 if link else 0)
    return bytes([b]) + (body if isinstance(body, bytes) else body.encode())


def xr(ok, msg):
    return xmlrpc.client.dumps(([ok, msg],), methodresponse=True).encode()


XR_OK = xr(True, "OK")
PUT = json.dumps({"url": "https://pbx.example.com/prov/"}).encode()


def request_seeds():
    s = []
    s.append(request(0, "GET", "/health/check"))
    s.append(request(0, "GET", "/providers"))
    s.append(request(0, "GET", "/metrics"))
    s.append(request(0, "POST", "/providers/snom/" + MAC))
    s.append(request(0, "PUT", "/providers/snom/" + MAC, PUT,
                     answers=[answer(0, XR_OK)]))
    s.append(request(0, "PUT", "/providers/snom/" + MAC, PUT,
                     answers=[answer(0, xr(False, "Error:malformed_url"))]))
    s.append(request(0, "DELETE", "/providers/snom/ac:de:48:23:45:67",
                     answers=[answer(0, xr(False, "Error:no_such_mac"))]))
    s.append(request(0, "PUT", "/providers/gigaset/" + MAC, PUT,
                     query="crc=ab12", answers=[answer(0, XR_OK)] * 2))
    s.append(request(0, "PUT", "/providers/fanvil/" + MAC,
                     b'{"url":"tftp://10.0.0.1:69/cfg/x.cfg"}',
                     answers=[answer(0, xr(False, "Error:server_not_exist")),
                              answer(0, XR_OK), answer(0, XR_OK),
                              answer(0, XR_OK)]))
    s.append(request(0, "PUT", "/providers/yealink/" + MAC, PUT,
                     answers=[answer(0, xr(False, "Error:abcdefghij"))]))
    token = json.dumps({"access_token": "tok", "token_type": "Bearer",
                        "expires_in": 7200})
    added = json.dumps({"total": 1, "successCount": 1, "failureCount": 0,
                        "errors": []})
    pins = json.dumps([{"mac": "acde48234567", "pin": "123456"}])
    s.append(request(0, "PUT", "/providers/ymcs/" + MAC, PUT,
                     answers=[answer(0, token), answer(0, "{}"),
                              answer(0, added), answer(0, pins)]))
    s.append(request(0, "PUT", "/providers/ymcs/" + MAC,
                     b'{"url":"http://p/x","sn":"SN123"}',
                     answers=[answer(0, token), answer(0, "{}"),
                              answer(4, "{}"), answer(0, pins)]))
    s.append(request(0, "PUT", "/providers/ymcs/" + MAC, PUT,
                     answers=[answer(0, token), answer(0, "{}"),
                              answer(9, json.dumps(
                                  {"code": "900403", "error": "forbidden",
                                   "message": "not allowed"}))]))
    settings = json.dumps([{"uuid": "u-1", "param_name":
                            "ProvisioningServer"}])
    s.append(request(0, "PUT", "/providers/grape/" + MAC, PUT,
                     answers=[answer(0, settings),
                              answer(0, json.dumps({"links": {
                                  "company": "https://rest.example/api/c/1/"
                              }})),
                              answer(0, json.dumps({"links": {
                                  "endpoints":
                                  "https://rest.example/api/endpoints/"}})),
                              answer(0, "{}")]))
    s.append(request(0, "DELETE", "/providers/sraps/" + MAC,
                     answers=[answer(0, "[]", link=True),
                              answer(0, json.dumps([{
                                  "uuid": "u-2",
                                  "param_name": "setting_server"}]))]))
    s.append(request(1, "PUT", "/falconieri/providers/snom/" + MAC, PUT,
                     auth="Bearer fuzz-token-0123456789",
                     answers=[answer(0, XR_OK)]))
    s.append(request(1 | 8, "GET", "/falconieri/providers",
                     auth="bearer t2"))
    s.append(request(2, "PUT", "/x", PUT, path_info="/providers/snom/" + MAC,
                     answers=[answer(12, b"<html>")], chunk=3))
    s.append(request(0, "PUT", "/providers/snom/" + MAC,
                     b'{"url":"https://x/%zz\\u0000"}'))
    s.append(request(0, "PUT", "/providers/sn%6fm/AC%2dDE-48-23-45-67",
                     b"[" * 2000))
    s.append(request(4, "PUT", "/providers/gigaset/" + MAC, PUT,
                     query="a=1&crc=%41%42CD"))
    return s


def xmlrpc_seeds():
    s = [XR_OK, xr(False, "Error:malformed_mac"), xr(False, ""),
         xr(False, "x" * 600 + "\u00e9" * 10),
         xmlrpc.client.dumps(xmlrpc.client.Fault(4, "Too many parameters"),
                             methodresponse=True).encode(),
         b"<?xml version=\"1.0\"?>\n<methodResponse><params><param><value>"
         b"<array><data><value><boolean>1</boolean></value>"
         b"<value>untyped</value></data></array></value></param></params>"
         b"</methodResponse>\n",
         b"<!-- c --><methodResponse><params><param><value><array><data>"
         b"<value><boolean>0</boolean></value><value><string><![CDATA[a<b]]>"
         b"</string></value></data></array></value></param></params>"
         b"</methodResponse>",
         b"<methodResponse><params><param><value><array><data>"
         b"<value><boolean>1</boolean></value><value><struct><member>"
         b"<name>a</name><value><int>1</int></value></member></struct>"
         b"</value></data></array></value></param></params></methodResponse>",
         b"<html><body>Service Unavailable", b"",
         b"<methodResponse><params><param><value><array><data><value>"
         b"<boolean>1</boolean></value></data></array></value></param>"
         b"</params></methodResponse>"]
    return s


def config_seeds():
    with open(os.path.join(HERE, "..", "..", "etc", "conf.json"), "rb") as f:
        example = f.read()
    full = json.dumps({
        "providers": {
            "snom": {"user": "u", "password": "p", "rpc_url": "http://s/"},
            "gigaset": {"rpc_url": "http://g/", "disable_crc": True},
            "fanvil": {"rpc_url": "http://f/", "password": "x"},
            "yealink": {"rpc_url": "http://y/", "disable": True},
            "ymcs": {"base_url": "https://y/", "client_id": "i",
                     "client_secret": "s"},
            "grape": {"base_url": "https://g/", "client_id": "i",
                      "client_secret": "s"},
            "sraps": {"base_url": "ftp://bad/", "client_id": "i",
                      "client_secret": "s"}},
        "api_tokens": ["a", "", "b"], "base_path": "x//",
        "connect_timeout_ms": 1, "timeout_ms": 3600000,
        "ca_file": "/etc/ssl/certs/ca-certificates.crt",
        "log_format": "json"}).encode()
    return [example, full, b"", b"{}", b"[]", b"{\"timeout_ms\": 1.5}",
            b"{\"providers\": {\"snom\": 1}}",
            b"{\"api_tokens\": [1]}", b"{\"log_format\": \"xml\"}",
            b"{\"a\":\n\n[" + b"[" * 1100,
            b"{}\0SNOM_RPC_URL=http://x/\nFALCONIERI_API_TOKENS= a, ,b,\n"
            b"GIGASET_DISABLE_CRC=True\nFALCONIERI_TIMEOUT_MS=0099\n",
            b"{}\0FALCONIERI_BASE_PATH=/\nYMCS_BASE_URL=https://h/\n"
            b"YMCS_CLIENT_ID=i\nYMCS_CLIENT_SECRET=s\nSNOM_DISABLE=yes\n",
            b"{\"base_path\": \"\\u0000x\"}"]


def ymcs_seeds():
    s = [bytes([0]) + json.dumps({"access_token": "abc", "token_type":
                                  "Bearer", "expires_in": 7200}).encode(),
         bytes([0]) + json.dumps({"total": 1, "successCount": 1,
                                  "failureCount": 0, "errors": []}).encode(),
         bytes([0]) + json.dumps({"total": 1, "successCount": 0,
                                  "failureCount": 1, "errors": [
                                      {"mac": "acde48234567",
                                       "errorInfo": "device already managed"
                                       }]}).encode(),
         bytes([0]) + json.dumps({"errors": [{"errorInfo": {
             "code": 800001, "message": "device.mac.invalid"}}],
             "failureCount": 1, "successCount": 0}).encode(),
         bytes([8]) + json.dumps({"code": "900403", "error": "Forbidden",
                                  "requestId": "r", "message": "\u00e9" * 300
                                  }).encode(),
         bytes([6]) + json.dumps({"code": 800003, "error": "x"}).encode(),
         bytes([0]) + json.dumps([{"mac": "AC-DE-48-23-45-67",
                                   "pin": "123456"}]).encode(),
         bytes([1]) + b"{\"id\": 1}", bytes([12]) + b"<html>oops</html>",
         bytes([9]) + b"", bytes([0]) + b"{\"access_token\": \"a b\"}"]
    return s


def grape_seeds():
    settings = json.dumps([{"uuid": "u-0", "param_name": "Other"},
                           {"uuid": "u-1", "param_name":
                            "ProvisioningServer"}]).encode()
    links = json.dumps({"links": {"company": "https://g/api/c/1/",
                                  "endpoints": "/api/e/"}}).encode()
    return [bytes([0]) + settings, bytes([0]) + b"[]",
            bytes([0]) + links,
            bytes([0]) + b'<https://g/api/settings/?page=2>; rel="next", '
            b'<https://g/api/settings/?page=9>; rel="last"',
            bytes([0]) + b'<a>; rel=next; title="x\\"y"',
            bytes([4]) + json.dumps({"message": "taken_mac_or_forbidden"}
                                    ).encode(),
            bytes([5]) + json.dumps({"detail": "You do not have permission "
                                     "to edit this endpoint"}).encode(),
            bytes([6]) + json.dumps({"error": "\u00e9" * 400}).encode(),
            bytes([10]) + b"<html>Internal Server Error</html>",
            bytes([7]) + b"",
            bytes([0]) + b"u-1\0https://pbx.example.com/p?a=1&b=\"x\""]


def batch_seeds():
    dev = {"provider": "snom", "mac": MAC, "url": "https://pbx.example.com/p/"}
    js = json.dumps({"action": "register", "devices": [
        dev, {"provider": "gigaset", "mac": "00-01-E3-11-22-33",
              "url": "https://p/", "crc": "AB12"},
        {"provider": "ymcs", "mac": "00-15-65-11-22-33", "url": "https://p/",
         "sn": "8012"}, dict(dev, mac="ac:de:48:23:45:67")]}).encode()
    csv = (b"\xef\xbb\xbfprovider,mac,url,sn,crc\r\n"
           b"snom,AC-DE-48-23-45-67,\"https://p/a,b\",,\r\n"
           b"gigaset,00-01-E3-11-22-33,https://p/,,ab12\r\n"
           b"ymcs,ZZ,https://p/,\"8\"\"1\",\r\n")
    return [bytes([0, 0]) + js,
            bytes([0, 2]) + b'{"action":"deregister","devices":[{"provider":"snom","mac":"x"}]}',
            bytes([1, 1]) + csv,
            bytes([1, 2]) + b"mac,provider\nAC-DE-48-23-45-67,snom\n",
            bytes([1, 0]) + b"provider,mac\nsnom,\"open\n",
            bytes([1, 9]) + b"provider,mac,colour\n"]


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if name.startswith("seed-"):
            os.unlink(os.path.join(d, name))
    for data in seeds:
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def main():
    write("request", request_seeds())
    write("xmlrpc", xmlrpc_seeds())
    write("config", config_seeds())
    write("ymcs", ymcs_seeds())
    write("grape", grape_seeds())
    write("batch", batch_seeds())


if __name__ == "__main__":
    main()
