// The wallet's indexed activity, newest first, paged by cursor (GET /v2/wallets/{address}/transactions).
import { useTransactions } from '../../api/queries'
import { Card, Loading, Money, ProblemNotice } from '../../components/ui'
import { formatDateTime } from '../../lib/time'
import { Pager, useCursorPages } from '../../components/pager'

export function Transactions() {
  const pages = useCursorPages()
  const page = useTransactions(pages.cursor)
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
      <Pager pages={pages} nextCursor={page.data?.nextCursor} labels={['Newer', 'Older']} />
    </Card>
  )
}
