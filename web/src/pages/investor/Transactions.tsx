// The wallet's indexed activity, newest first, paged by cursor (GET /v2/wallets/{address}/transactions).
import { useState } from 'react'
import { useTransactions } from '../../api/queries'
import { Card, Loading, Money, ProblemNotice } from '../../components/ui'
import { formatDateTime } from '../../lib/time'

export function Transactions() {
  const [cursors, setCursors] = useState<(string | null)[]>([null])
  const page = useTransactions(cursors[cursors.length - 1] ?? null)
  return (
    <Card title="Transactions" testId="transactions">
      {page.error ? <ProblemNotice error={page.error} /> : null}
      {!page.data ? (
        <Loading what="transactions" />
      ) : page.data.items.length === 0 ? (
        <p className="muted">No activity yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>What</th>
              <th>Amount</th>
              <th>Loan</th>
              <th>Transaction</th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((t) => (
              <tr key={`${t.txHash}-${t.logIndex}`} data-testid="transaction">
                <td data-label="When">{formatDateTime(t.timestamp)}</td>
                <td data-label="What">{t.kind.replace(/_/g, ' ')}</td>
                <td data-label="Amount">{t.kind.startsWith('note') ? '—' : <Money value={t.amount} />}</td>
                <td data-label="Loan">{t.loanId ?? '—'}</td>
                <td data-label="Transaction">
                  <code title={t.txHash}>{t.txHash.slice(0, 10)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        <button type="button" className="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button
          type="button"
          className="button"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Older
        </button>
      </div>
    </Card>
  )
}
