/**
 * @module
 * The driver's WebSocket transport: each upgrade on `/v2?address=host:port` becomes one TCP connection to that
 * Postgres, with binary frames relayed unchanged in both directions.
 */
import type { IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { isLoopbackHost, parseAddress } from "./loopback";

export interface WsPassthrough {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Drops every relayed connection at once; used when the proxy shuts down. */
  close(): void;
}

export function createWsPassthrough(): WsPassthrough {
  const wss = new WebSocketServer({ noServer: true });
  const tcpSockets = new Set<Socket>();

  function relay(ws: WebSocket, target: { host: string; port: number }): void {
    const tcp = connect(target.port, target.host);
    tcp.setNoDelay(true);
    tcpSockets.add(tcp);
    // Writes before the TCP connect completes are buffered by net, so the startup message is never lost.
    ws.on("message", (data) => tcp.write(data as Buffer));
    tcp.on("data", (chunk) => ws.readyState === ws.OPEN && ws.send(chunk));
    // Errors on either side only end the pair: 'close' follows every error, and the proxy keeps serving.
    tcp.on("error", () => tcp.destroy());
    tcp.on("close", () => {
      tcpSockets.delete(tcp);
      ws.close();
    });
    ws.on("error", () => ws.terminate());
    ws.on("close", () => tcp.destroy());
  }

  return {
    handleUpgrade(req, socket, head) {
      socket.on("error", () => socket.destroy());
      const url = new URL(req.url ?? "/", "http://proxy");
      const target = parseAddress(url.searchParams.get("address") ?? "");
      if (url.pathname !== "/v2" || !target) return refuse(socket, "400 Bad Request");
      if (!isLoopbackHost(target.host)) return refuse(socket, "403 Forbidden");
      wss.handleUpgrade(req, socket, head, (ws) => relay(ws, target));
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      for (const tcp of tcpSockets) tcp.destroy();
      wss.close();
    },
  };
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
