// The portal's runtime configuration, served beside it at /app/config.json (backend/web_app.py): the
// chain, the browser's JSON-RPC URL and the public deployment manifest (addresses, parameters, the merged
// errors ABI). Nothing here is built in, so one build serves any deployment.
import type { Abi, Address } from 'viem'

export interface GradePricing {
  grade: number
  letter: string
  aprBps: number
  maxPrincipal: number | string
  allowed: boolean
  minRiskClass: number
  collateralRequired: boolean
}

export interface Deployment {
  chainId: number
  network: string
  deployBlock: number
  contracts: Record<string, { address: Address; block: number; abi?: string }>
  parameters: {
    LoanMarket?: {
      minTicket?: number | string
      originationFeeBps?: number
      servicingFeeBps?: number
      reserveShareBps?: number
      lateFeeBpsPerDay?: number
      resaleFeeBps?: number
      pricing?: GradePricing[]
    }
    [contract: string]: unknown
  }
  errors: Abi
}

export interface PortalConfig {
  apiUrl: string
  chainId: number
  rpcUrl: string | null
  deployment: Deployment | null
}

export async function loadConfig(): Promise<PortalConfig> {
  const reply = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-cache' })
  if (!reply.ok) throw new Error(`the portal's configuration could not be read (HTTP ${reply.status})`)
  return (await reply.json()) as PortalConfig
}
