"""The vendors of providers/list.h, the one list, as the tests see them.

Each FAL_VENDOR(name, ID, KIND, CRC) line gives a Vendor: its name, its
kind ("XMLRPC" or "REST") and whether it has the crc parameter and the
disable_crc key.  Tests derive their vendor lists from here (or from
GET /providers), so that a new vendor is one line of that file.
"""

import collections
import os
import re

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

Vendor = collections.namedtuple("Vendor", "name kind crc")

# The keys (variable suffixes) of each kind, SPEC §3.
KIND_KEYS = {
    "XMLRPC": ("USER", "PASSWORD", "RPC_URL", "DISABLE"),
    "REST": ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET", "DISABLE"),
}


def vendors():
    """Every vendor of providers/list.h, in its order."""
    with open(os.path.join(TOP, "providers", "list.h")) as f:
        text = f.read()
    found = [Vendor(n, k, c == "true") for n, k, c in re.findall(
        r"^\s*FAL_VENDOR\(([a-z0-9_]+),\s*[A-Z0-9_]+,\s*([A-Z]+),"
        r"\s*(true|false)\)", text, re.M)]
    if not found:
        raise AssertionError("cannot read the vendors of providers/list.h")
    return found


def names():
    """The vendors' names, in the order of the list (GET /providers')."""
    return [v.name for v in vendors()]


def env_names(vendor):
    """The environment variables of one vendor."""
    keys = KIND_KEYS[vendor.kind] + (("DISABLE_CRC",) if vendor.crc else ())
    return ["%s_%s" % (vendor.name.upper(), k) for k in keys]
