// Selling a note before the loan ends: the lens's quote at a price (GET /v2/market/notes/{id}/quote:
// par, % of par, yield to maturity, the highest price the market accepts), then LoanMarket.offerNote
// with an expiry on the chain's clock; a standing offer can be withdrawn (cancelOffers).
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { Holding, NoteQuote } from '../../api/types'
import { Money, ProblemNotice, TxNotice } from '../../components/ui'
import { useChainClock } from '../../chain/clock'
import { call, useTransactor } from '../../chain/tx'
import { loanMarketAbi } from '../../contracts/abis.generated'
import { big, formatBps, parseAmountInput, toInputText } from '../../lib/money'
import { formatDateTime } from '../../lib/time'
import { usePortal } from '../../portal'

export function SellNote(props: { holding: Holding }) {
  const { holding: h } = props
  const { addresses, stablecoin } = usePortal()
  const clock = useChainClock()
  const tx = useTransactor()
  const [open, setOpen] = useState(false)
  const outstanding = big(h.principal) - big(h.principalReturned)
  const [priceText, setPriceText] = useState(toInputText(outstanding, stablecoin.decimals))
  const [days, setDays] = useState('7')
  const price = parseAmountInput(priceText, stablecoin.decimals)
  const quote = useMutation({
    mutationFn: (at: bigint) => api.get<NoteQuote>(`/v2/market/notes/${h.noteId}/quote`, { query: { price: at.toString() } }),
  })

  if (h.offerPrice) {
    return (
      <div className="sell" data-testid="note-on-offer">
        <span className="small">
          On offer at <Money value={h.offerPrice} /> until {formatDateTime(h.offerExpiry)}
        </span>
        <button
          type="button"
          className="button"
          disabled={tx.busy}
          onClick={() => tx.run([call('Withdraw the offer', addresses.market, loanMarketAbi, 'cancelOffers', [[BigInt(h.noteId)]])]).catch(() => undefined)}
        >
          Withdraw offer
        </button>
        <TxNotice state={tx.state} />
      </div>
    )
  }
  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Sell…
      </button>
    )
  }
  const window = /^\d+$/.test(days) ? BigInt(days) : 0n
  const offer = () => {
    if (price === null || clock.now === null || window < 1n) return
    const expiry = clock.now + window * 86_400n // on the chain's clock, as the market checks it
    tx.run([call('Offer the note for sale', addresses.market, loanMarketAbi, 'offerNote', [BigInt(h.noteId), price, expiry])])
      .then(() => setOpen(false))
      .catch(() => undefined)
  }
  const q = quote.data
  return (
    <div className="sell" data-testid="sell-note">
      <label>
        Price ({stablecoin.symbol})
        <input name="salePrice" inputMode="decimal" value={priceText} onChange={(e) => setPriceText(e.target.value)} />
      </label>
      <label>
        Offer valid (days)
        <input name="saleDays" type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      <button type="button" className="button" disabled={price === null || quote.isPending} onClick={() => price !== null && quote.mutate(price)}>
        Check price
      </button>
      {q ? (
        <p className="small" data-testid="sale-quote">
          Par <Money value={q.par} /> · {formatBps(q.priceBpsOfPar)} of par · buyer's yield {formatBps(q.yieldBps)} · you also keep{' '}
          <Money value={q.sellerEarned} /> earned so far · highest accepted price <Money value={q.maxPrice} />
          {q.distressed ? ' · distressed (the loan is late)' : ''}
        </p>
      ) : null}
      <ProblemNotice error={quote.error} />
      <button type="button" className="button primary" disabled={price === null || window < 1n || tx.busy} onClick={offer}>
        Offer for sale
      </button>
      <TxNotice state={tx.state} />
    </div>
  )
}
