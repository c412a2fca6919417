"""A SOAP service the gateway's tests did not write: spyne serving the
manual's CountryInfo example (namespace
http://www.oorsprong.org/websamples.countryinfo) over SOAP 1.1.

Prints its port on the first line of stdout, then serves until stdin closes
(or Ctrl-C). `server.py PORT` listens on PORT instead of a free one.
GET /__requests returns every SOAP request it received (method, path,
query, content type, body), so a test can check exactly what arrived.
"""
import json
import sys
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from spyne import Application, Fault, Integer, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

NAMESPACE = "http://www.oorsprong.org/websamples.countryinfo"
NAMES = {"US": "United States", "ES": "Spain", "DE": "Germany", "NL": "Netherlands"}


class CountryInfoService(ServiceBase):
    @rpc(Unicode, _returns=Unicode)
    def CountryFlag(ctx, sCountryISOCode):
        return "http://www.oorsprong.org/WebSamples.CountryInfo/Flags/%s.jpg" % sCountryISOCode

    @rpc(Unicode, _returns=Unicode)
    def CountryName(ctx, sCountryISOCode):
        if sCountryISOCode not in NAMES:
            raise Fault(faultcode="Client.UnknownCountry", faultstring="Country not found in the database")
        return NAMES[sCountryISOCode]

    @rpc(Unicode, Integer, _returns=Unicode)
    def Greet(ctx, name, times):
        return " ".join(["hello " + name] * (times or 1))


soap = WsgiApplication(Application([CountryInfoService], tns=NAMESPACE,
                                   in_protocol=Soap11(validator="lxml"), out_protocol=Soap11()))
received = []
lock = threading.Lock()


def app(environ, start_response):
    if environ["PATH_INFO"] == "/__requests":
        with lock:
            body = json.dumps(received).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    with lock:
        received.append({
            "method": environ["REQUEST_METHOD"],
            "path": environ["PATH_INFO"],
            "query": environ.get("QUERY_STRING", ""),
            "content_type": environ.get("CONTENT_TYPE", ""),
            "body": raw.decode("utf-8", "replace"),
        })
    import io
    environ["wsgi.input"] = io.BytesIO(raw)
    return soap(environ, start_response)


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *_):
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = make_server("127.0.0.1", port, app, server_class=Server, handler_class=QuietHandler)
    print(server.server_port, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
