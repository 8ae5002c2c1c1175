// A live counter over Server-Sent Events: `curl -N localhost:8080/ticks?count=5`, or in a page
// `new EventSource("/ticks").onmessage = (e) => console.log(e.data)`.
const count = Number(metadata.query.count ?? 10);

async function* ticks() {
  for (let n = 1; n <= count; n++) {
    yield { event: "tick", id: n, data: { n, at: new Date().toISOString() } };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

return sse(ticks());
