// A chat room. Open http://127.0.0.1:8080/chat in two tabs, or connect any WebSocket client:
//   websocat 'ws://127.0.0.1:8080/chat?name=ann'
// @mode worker
// @websocket true
const nameOf = (conn: HoodyConnection) => String(conn.metadata.query.name ?? conn.id.slice(0, 8));

ws.open = (conn) => ws.broadcast(`* ${nameOf(conn)} joined (${ws.connections.size} here)`);
ws.message = (conn, text) => ws.broadcast(`${nameOf(conn)}: ${text}`);
ws.close = (conn) => ws.broadcast(`* ${nameOf(conn)} left`);

// A plain HTTP GET still runs this script: it answers with a page that joins the room.
res.setHeader("content-type", "text/html; charset=utf-8");
return `<!doctype html><title>chat</title>
<pre id="log"></pre><form id="f"><input id="t" autofocus placeholder="say something"></form>
<script>
  const name = prompt("Your name?") || "anon";
  const socket = new WebSocket(location.href.replace(/^http/, "ws").split("?")[0] + "?name=" + encodeURIComponent(name));
  socket.onmessage = (e) => (log.textContent += e.data + "\\n");
  socket.onclose = (e) => (log.textContent += "(closed " + e.code + ": reload to rejoin)\\n");
  f.onsubmit = (e) => { e.preventDefault(); socket.send(t.value); t.value = ""; };
</script>`;
