// What only a local chain allows, done as the demo does it: moving the chain's clock.
import { env } from './env'

async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const reply = await fetch(env.rpcUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await reply.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

export async function chainNow(): Promise<number> {
  const block = (await rpc('eth_getBlockByNumber', ['latest', false])) as { timestamp: string }
  return Number(BigInt(block.timestamp))
}

/** Mines an empty block at `timestamp` (Unix seconds, ahead of the chain). */
export async function mineAt(timestamp: number): Promise<void> {
  await rpc('evm_mine', [timestamp])
}

export async function api<T>(path: string): Promise<T> {
  const reply = await fetch(`${env.apiUrl}${path}`)
  if (!reply.ok) throw new Error(`GET ${path}: ${reply.status} ${await reply.text()}`)
  return (await reply.json()) as T
}
