// What the test harness (tests/e2e/test_web_portal.py) passes in.
import type { Hex } from 'viem'

function need(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run the journeys through tests/e2e/test_web_portal.py`)
  return value
}

export const env = {
  webUrl: need('PEERLEND_WEB_URL'),
  apiUrl: need('PEERLEND_API_URL'),
  rpcUrl: need('PEERLEND_RPC_URL'),
  chainId: Number(need('PEERLEND_CHAIN_ID')),
  borrowerKey: need('PEERLEND_BORROWER_KEY') as Hex,
  investorKey: need('PEERLEND_INVESTOR_KEY') as Hex,
  reviewerKey: need('PEERLEND_REVIEWER_KEY'),
  /** One key per operator role, each with that role only, and `compliance-second`: another officer. */
  operatorKeys: JSON.parse(need('PEERLEND_OPERATOR_KEYS')) as Record<string, string>,
  reports: process.env.PEERLEND_WEB_REPORTS ?? '../reports/web',
}
