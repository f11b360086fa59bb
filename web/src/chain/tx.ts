// Sending transactions: each call is simulated first (a revert is explained before anything is signed),
// then sent by the wallet and followed to its receipt; every failure becomes one readable sentence
// (chain/reverts.ts). After a mined transaction every query is refreshed.
import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useState } from 'react'
import type { Abi, Address, ContractFunctionArgs, ContractFunctionName, Hash, TransactionReceipt } from 'viem'
import { useAccount, useConfig } from 'wagmi'
import { readContract, simulateContract, waitForTransactionReceipt, writeContract } from 'wagmi/actions'
import { erc20Abi } from '../contracts/abis.generated'
import { usePortal } from '../portal'
import { explainChainError } from './reverts'

export interface TxCall {
  label: string
  address: Address
  abi: Abi
  functionName: string
  args: readonly unknown[]
}

type Writable = 'nonpayable' | 'payable'

/** A typed call: the ABI checks the function name and its arguments. */
export function call<const abi extends Abi, name extends ContractFunctionName<abi, Writable>>(
  label: string,
  address: Address,
  abi: abi,
  functionName: name,
  args: ContractFunctionArgs<abi, Writable, name>,
): TxCall {
  return { label, address, abi, functionName, args: args as readonly unknown[] }
}

export type TxStep = TxCall | ((owner: Address) => Promise<TxCall | null>)

export type TxState =
  | { phase: 'idle' }
  | { phase: 'checking' | 'signing'; label: string }
  | { phase: 'pending'; label: string; hash: Hash }
  | { phase: 'done'; label: string; hash: Hash; receipts: TransactionReceipt[] }
  | { phase: 'failed'; label: string; message: string }

/** An approval of `amount` for `spender`, only when the allowance is short of it. */
export function allowance(token: Address, spender: Address, amount: bigint, config: ReturnType<typeof useConfig>): TxStep {
  return async (owner) => {
    const current = await readContract(config, {
      address: token,
      abi: erc20Abi,
      functionName: 'allowance',
      args: [owner, spender],
    })
    return current >= amount ? null : call('Approve the stablecoin', token, erc20Abi, 'approve', [spender, amount])
  }
}

export class TxFailed extends Error {}

export function useTransactor() {
  const config = useConfig()
  const { address } = useAccount()
  const { errors, money } = usePortal()
  const queryClient = useQueryClient()
  const [state, setState] = useState<TxState>({ phase: 'idle' })

  const run = useCallback(
    async (steps: TxStep[]): Promise<TransactionReceipt[]> => {
      if (!address) {
        setState({ phase: 'failed', label: 'Connect', message: 'Connect your wallet first.' })
        throw new TxFailed('no wallet')
      }
      const receipts: TransactionReceipt[] = []
      let label = 'Transaction'
      try {
        for (const step of steps) {
          const resolved = typeof step === 'function' ? await step(address) : step
          if (!resolved) continue
          label = resolved.label
          setState({ phase: 'checking', label })
          const { request } = await simulateContract(config, { ...resolved, account: address } as never)
          setState({ phase: 'signing', label })
          const hash = await writeContract(config, request as never)
          setState({ phase: 'pending', label, hash })
          const receipt = await waitForTransactionReceipt(config, { hash })
          if (receipt.status !== 'success') {
            // Mined but reverted (the chain moved since the simulation): replay it where it ran.
            await simulateContract(config, {
              ...resolved,
              account: address,
              blockNumber: receipt.blockNumber - 1n,
            } as never)
            throw new TxFailed(`${label}: the transaction reverted (${hash}).`)
          }
          receipts.push(receipt)
        }
        const last = receipts[receipts.length - 1]
        setState(
          last
            ? { phase: 'done', label, hash: last.transactionHash, receipts }
            : { phase: 'done', label, hash: '0x' as Hash, receipts },
        )
        await queryClient.invalidateQueries()
        return receipts
      } catch (error) {
        const message = error instanceof TxFailed ? error.message : explainChainError(error, errors, money)
        setState({ phase: 'failed', label, message })
        throw new TxFailed(message)
      }
    },
    [address, config, errors, money, queryClient],
  )

  const reset = useCallback(() => setState({ phase: 'idle' }), [])
  return { run, state, reset, busy: state.phase === 'checking' || state.phase === 'signing' || state.phase === 'pending' }
}
