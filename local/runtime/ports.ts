import { createServer } from "node:net";

/** Asks the OS for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly role: string,
  ) {
    super(
      `Port ${port} (${role}) is already in use. Stop whatever listens there, or pick other ports with ` +
        `--port N (the API takes N, DynamoDB Local N+1, S3 N+2).`,
    );
    this.name = "PortInUseError";
  }
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Checks every port before anything is started, so a clash never leaves half a stack running. */
export async function assertPortsFree(
  ports: { port: number; role: string }[],
  host = "127.0.0.1",
): Promise<void> {
  for (const { port, role } of ports) if (!(await isFree(port, host))) throw new PortInUseError(port, role);
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
