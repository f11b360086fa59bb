// The risk notice and the legal statement every loan page carries.
import { useModelCard } from '../api/queries'
import { gradeLetter } from '../lib/grades'
import { formatBps } from '../lib/money'
import { usePortal } from '../portal'

export function RiskNotice(props: { grade: number }) {
  const model = useModelCard()
  const band = model.data?.grades.find((g) => g.grade === props.grade)
  const pdMax = band ? formatBps(Math.round(band.pdMax * 10_000)) : null
  return (
    <aside className="notice notice-risk" data-testid="risk-notice" aria-label="Risk notice">
      <strong>Risk notice.</strong> Lending to people is not a deposit and is not guaranteed. A grade{' '}
      {gradeLetter(props.grade)} borrower
      {pdMax ? ` was scored with a probability of default of at most ${pdMax} by the credit model in use` : ''}; any
      borrower may pay late or not at all. You may lose some or all of the money you lend. The reserve fund covers
      losses only up to its balance and a cap per loan. Selling a note before the loan ends depends on a buyer and may
      be at a loss. Lend only what you can afford to lose, across many loans.
    </aside>
  )
}

export function LegalStatement() {
  const { addresses, deployment } = usePortal()
  const reserve = deployment.parameters.ReserveFund as { capBps?: number } | undefined
  return (
    <aside className="legal" data-testid="legal-statement" aria-label="Legal statement">
      <h3>Legal statement</h3>
      <p>
        Each loan is a contract between its borrower and its lenders, recorded and enforced by the LoanMarket contract
        at <code>{addresses.market}</code> on chain {deployment.chainId}; each lender's part is a LoanNote (ERC-721).
        PeerLend is an information intermediary: it checks identities, scores borrowers and publishes their credit
        records, but it never holds, pools or moves your money and it does not guarantee any loan. Repayments, fees
        and any reserve cover
        {reserve?.capBps !== undefined ? ` (at most ${formatBps(reserve.capBps)} of a loan's principal)` : ''} follow
        the contracts' published rules. Nothing on this page is investment advice.
      </p>
    </aside>
  )
}
