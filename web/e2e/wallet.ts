// A test wallet for the page: an EIP-1193 provider injected before the page's scripts run
// (page.addInitScript), whose every request crosses to this process (a binding). Here viem's local
// account signs with the anvil key, sends what it signed as a raw transaction, and forwards every other
// call to anvil's JSON-RPC: to the page it is a browser wallet like any other.
import type { BrowserContext } from '@playwright/test'
import { createWalletClient, defineChain, type Hex, http, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

const BINDING = '__peerlendTestWallet'

// Runs in the page: window.ethereum, relaying to the binding.
function installProvider(binding: string): void {
  const listeners: Record<string, ((...args: unknown[]) => void)[]> = {}
  const relay = (window as unknown as Record<string, (json: string) => Promise<string>>)[binding]!
  const provider = {
    isPeerLendTestWallet: true,
    async request(args: { method: string; params?: unknown[] }) {
      const reply = JSON.parse(await relay(JSON.stringify({ method: args.method, params: args.params ?? [] })))
      if (reply.error) {
        const error = new Error(reply.error.message) as Error & { code?: number; data?: unknown }
        error.code = reply.error.code
        error.data = reply.error.data
        throw error
      }
      return reply.result
    },
    on(event: string, fn: (...args: unknown[]) => void) {
      ;(listeners[event] ??= []).push(fn)
      return provider
    },
    removeListener(event: string, fn: (...args: unknown[]) => void) {
      listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn)
      return provider
    },
  }
  ;(window as unknown as { ethereum: unknown }).ethereum = provider
}

interface RpcError {
  code: number
  message: string
  data?: unknown
}

export async function attachTestWallet(context: BrowserContext, key: Hex, rpcUrl: string, chainId: number) {
  const account = privateKeyToAccount(key)
  const chain = defineChain({
    id: chainId,
    name: 'test',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  })
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) })

  const forward = async (method: string, params: unknown[]) => {
    const reply = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    })
    const body = (await reply.json()) as { result?: unknown; error?: RpcError }
    if (body.error) throw body.error
    return body.result
  }

  const handle = async (method: string, params: any[]): Promise<unknown> => {
    switch (method) {
      case 'eth_requestAccounts':
      case 'eth_accounts':
        return [account.address]
      case 'eth_chainId':
        return toHex(chainId)
      case 'wallet_switchEthereumChain':
      case 'wallet_requestPermissions':
        return null
      case 'personal_sign':
        return account.signMessage({ message: { raw: params[0] as Hex } })
      case 'eth_signTypedData_v4': {
        const typed = JSON.parse(params[1] as string)
        delete typed.types.EIP712Domain // viem derives it from the domain
        return account.signTypedData(typed)
      }
      case 'eth_sendTransaction': {
        const tx = params[0] as { to: Hex; data?: Hex; value?: Hex; gas?: Hex }
        return wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        })
      }
      default:
        return forward(method, params)
    }
  }

  await context.exposeBinding(BINDING, async (_source, json: string) => {
    const { method, params } = JSON.parse(json) as { method: string; params: unknown[] }
    try {
      return JSON.stringify({ result: await handle(method, params) })
    } catch (caught) {
      const error = caught as Partial<RpcError> & { shortMessage?: string; cause?: { data?: unknown } }
      return JSON.stringify({
        error: { code: error.code ?? -32603, message: error.shortMessage ?? error.message ?? String(caught), data: error.data ?? error.cause?.data },
      })
    }
  })
  await context.addInitScript(installProvider, BINDING)
  return account.address
}
