"""A GraphQL server the gateway's tests did not write: graphql-core executing
the manual's Star Wars examples, served over HTTP as GraphQL servers are
(POST JSON bodies, GET query strings).

Prints its port on the first line of stdout, then serves until stdin closes
(or Ctrl-C). `server.py PORT` listens on PORT instead of a free one.
GET /__requests returns every GraphQL request it received (method, path,
query, content type, body), so a test can check exactly what arrived.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from graphql import build_schema, graphql_sync

SCHEMA = build_schema("""
enum Episode { NEWHOPE EMPIRE JEDI }

type Character {
  name: String!
  friends: [Character!]!
}

input ReviewInput {
  stars: Int!
  commentary: String
}

type Review {
  episode: Episode!
  stars: Int!
  commentary: String
}

type User {
  id: ID!
  name: String!
}

type UserMetadata {
  id: ID!
  plan: String!
}

type Query {
  hero(episode: Episode): Character
  user(id: ID!): User
  userMetadata(id: ID!): UserMetadata
  broken: String
}

type Mutation {
  createReview(episode: Episode!, review: ReviewInput!): Review
}
""")

HEROES = {
    "NEWHOPE": {"name": "R2-D2", "friends": [{"name": "Luke Skywalker", "friends": []}]},
    "EMPIRE": {"name": "Luke Skywalker", "friends": [{"name": "Han Solo", "friends": []}]},
    "JEDI": {"name": "R2-D2", "friends": [{"name": "Leia Organa", "friends": []}]},
}


def broken(*_):
    raise ValueError("the broken field always fails")


ROOT = {
    "hero": lambda _info, episode="NEWHOPE": HEROES[episode],
    "user": lambda _info, id: {"id": id, "name": "user " + id},
    "userMetadata": lambda _info, id: {"id": id, "plan": "gold"},
    "broken": broken,
    "createReview": lambda _info, episode, review: dict(review, episode=episode),
}

received = []
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def record(self, body):
        url = urlsplit(self.path)
        with lock:
            received.append({
                "method": self.command,
                "path": url.path,
                "query": parse_qs(url.query),
                "content_type": self.headers.get("Content-Type", ""),
                "body": body,
            })

    def execute(self, request):
        variables = request.get("variables")
        if isinstance(variables, str):
            variables = json.loads(variables) if variables else None
        result = graphql_sync(SCHEMA, request.get("query", ""), root_value=ROOT,
                              variable_values=variables, operation_name=request.get("operationName"))
        payload = {"data": result.data}
        if result.errors:
            payload["errors"] = [e.formatted for e in result.errors]
        self.reply(200, payload)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/__requests":
            with lock:
                self.reply(200, received)
            return
        self.record("")
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.execute(params)

    def read_body(self):
        # http.server does not decode chunked bodies (the way KrakenD forwards
        # a client's body); GraphQL servers in production do.
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                chunk = self.rfile.read(size)
                self.rfile.readline()
                if size == 0:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self):
        raw = self.read_body().decode()
        self.record(raw)
        try:
            request = json.loads(raw)
        except ValueError:
            self.reply(400, {"errors": [{"message": "the body is not JSON"}]})
            return
        self.execute(request)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sys.stdin.read()  # the test closes stdin (or dies) to stop us
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
