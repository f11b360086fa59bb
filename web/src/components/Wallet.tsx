// The connected wallet's stablecoin balance, and on a local chain a faucet of the mock stablecoin.
import { useAccount, useReadContract } from 'wagmi'
import { call, useTransactor } from '../chain/tx'
import { erc20Abi, faucetAbi } from '../contracts/abis.generated'
import { usePortal } from '../portal'
import { Money, TxNotice } from './ui'

const FAUCET_UNITS = 10_000n

export function useStablecoinBalance() {
  const { stablecoin } = usePortal()
  const { address } = useAccount()
  return useReadContract({
    address: stablecoin.address,
    abi: erc20Abi,
    functionName: 'balanceOf',
    args: address ? [address] : undefined,
    query: { enabled: Boolean(address), refetchInterval: 4_000 },
  })
}

export function WalletBalance() {
  const balance = useStablecoinBalance()
  return (
    <span data-testid="wallet-balance">
      Wallet balance: <Money value={balance.data ?? null} />
    </span>
  )
}

/** Only where the deployment's stablecoin is the mock one that mints to anyone (local and test chains). */
export function Faucet() {
  const { addresses, stablecoin } = usePortal()
  const { address } = useAccount()
  const tx = useTransactor()
  if (!address || !addresses.faucet || addresses.faucet.toLowerCase() !== stablecoin.address.toLowerCase()) return null
  const amount = FAUCET_UNITS * 10n ** BigInt(stablecoin.decimals)
  return (
    <div className="faucet">
      <button
        type="button"
        className="button"
        disabled={tx.busy}
        onClick={() => tx.run([call('Test stablecoin', addresses.faucet!, faucetAbi, 'mint', [address, amount])]).catch(() => undefined)}
      >
        Get {FAUCET_UNITS.toLocaleString('en-US')} test {stablecoin.symbol}
      </button>
      <span className="muted small"> (test network only)</span>
      <TxNotice state={tx.state} />
    </div>
  )
}
