// The chain as the deployment names it, and wagmi over it: reads through the configured JSON-RPC URL,
// signing and sending through the injected wallet (EIP-1193: MetaMask or any other).
import { type Chain, defineChain } from 'viem'
import { createConfig, http, injected } from 'wagmi'
import type { PortalConfig } from '../config'

export function portalChain(config: PortalConfig): Chain {
  const rpc = config.rpcUrl ?? 'http://127.0.0.1:8545'
  return defineChain({
    id: config.chainId,
    name: config.deployment?.network ? `PeerLend (${config.deployment.network})` : `Chain ${config.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  })
}

export function createWagmiConfig(config: PortalConfig) {
  const chain = portalChain(config)
  return createConfig({
    chains: [chain],
    connectors: [injected({ shimDisconnect: true })],
    // No Multicall3 on a local chain: every read is its own eth_call.
    batch: { multicall: false },
    transports: { [chain.id]: http(config.rpcUrl ?? undefined, { batch: true }) },
    pollingInterval: 1_000,
    ssr: false,
  })
}

export type PortalWagmiConfig = ReturnType<typeof createWagmiConfig>
