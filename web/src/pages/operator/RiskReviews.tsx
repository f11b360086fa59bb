// Loan applications waiting for a credit reviewer (GET /v2/risk/reviews), decided with a note
// (POST /v2/risk/reviews/{id}): an approval queues the score for the oracle and signs the offer.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { useRiskReviews } from '../../api/queries'
import type { RiskReview } from '../../api/types'
import { Card, GradeBadge, Loading, Money, ProblemNotice } from '../../components/ui'
import { formatBps } from '../../lib/money'
import { shortAddress } from '../../lib/time'
import { SectionProblem } from './access'
import { Pager, useCursorPages } from '../../components/pager'

export default function RiskReviews() {
  const pages = useCursorPages()
  const reviews = useRiskReviews(pages.cursor)
  return (
    <Card title="Credit reviews" testId="risk-reviews">
      {reviews.error ? (
        <SectionProblem error={reviews.error} />
      ) : !reviews.data ? (
        <Loading what="credit reviews" />
      ) : reviews.data.items.length === 0 ? (
        <p className="muted">Nothing waits for review.</p>
      ) : (
        reviews.data.items.map((review) => <Review key={review.id} review={review} />)
      )}
      <Pager pages={pages} nextCursor={reviews.data?.nextCursor} labels={['Previous', 'Next']} />
    </Card>
  )
}

function Review(props: { review: RiskReview }) {
  const { review: r } = props
  const [note, setNote] = useState('')
  const queryClient = useQueryClient()
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'decline') =>
      api.post<RiskReview>(`/v2/risk/reviews/${encodeURIComponent(r.id)}`, { decision, note }, { auth: 'operator' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['operator'] }),
  })
  return (
    <article className="card inner" data-testid="risk-review">
      <h3>
        <GradeBadge grade={r.grade} /> <Money value={r.amount} /> over {r.termMonths} months · {shortAddress(r.wallet)}
      </h3>
      <p>
        Score {r.score}, probability of default {formatBps(r.pdBps)}; the engine said {r.decision} ({r.decisionReasons.join(', ')}).
        {r.fraudHits.length > 0 ? ` Fraud rules: ${r.fraudHits.map((h) => Object.values(h).join(' ')).join('; ')}.` : ''}
      </p>
      <label>
        Note
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      </label>
      <div className="actions">
        <button type="button" className="button primary" disabled={!note || decide.isPending} onClick={() => decide.mutate('approve')}>
          Approve
        </button>
        <button type="button" className="button danger" disabled={!note || decide.isPending} onClick={() => decide.mutate('decline')}>
          Decline
        </button>
      </div>
      <ProblemNotice error={decide.error} />
    </article>
  )
}
