// A loan application (POST /v2/loan-applications): terms, income and the scorecard's attributes (the
// features GET /v2/risk/model names; the service adds the loan's own terms). The decision is immediate.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api } from '../../api/client'
import { useIdempotencyKey } from '../../api/idempotency'
import { ApiProblem } from '../../api/problem'
import { useModelCard } from '../../api/queries'
import type { LoanApplication } from '../../api/types'
import { Card, Loading, ProblemNotice } from '../../components/ui'
import { parseAmountInput } from '../../lib/money'
import { usePortal } from '../../portal'

// Loan terms the service puts into the scorecard itself (from amount, termMonths and purpose).
const FROM_TERMS = new Set(['duration_in_month', 'credit_amount', 'purpose'])
const PURPOSES: [string, string][] = [
  ['car_new', 'A new car'],
  ['car_used', 'A used car'],
  ['furniture', 'Furniture'],
  ['electronics', 'Electronics'],
  ['appliances', 'Household appliances'],
  ['repairs', 'Repairs'],
  ['education', 'Education'],
  ['retraining', 'Retraining'],
  ['business', 'Business'],
  ['other', 'Something else'],
]

export function ApplicationStep(props: { onApplied: (application: LoanApplication) => void }) {
  const model = useModelCard()
  const { stablecoin } = usePortal()
  const [key, settleKey] = useIdempotencyKey()
  const queryClient = useQueryClient()
  const apply = useMutation({
    mutationFn: (body: unknown) => api.post<LoanApplication>('/v2/loan-applications', body, { auth: 'wallet', idempotencyKey: key }),
    onSettled: (_data, error) => settleKey(error),
    onSuccess: async (application) => {
      await queryClient.invalidateQueries({ queryKey: ['loan-applications'] })
      props.onApplied(application)
    },
  })
  const [formError, setFormError] = useState<string | null>(null)

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const amount = parseAmountInput(String(form.get('amount')), stablecoin.decimals)
    const income = parseAmountInput(String(form.get('monthlyIncome')), stablecoin.decimals)
    if (amount === null || income === null) {
      setFormError(`Amounts are numbers with at most ${stablecoin.decimals} decimals.`)
      return
    }
    setFormError(null)
    const attributes: Record<string, string | number> = {}
    for (const feature of model.data?.features ?? []) {
      if (FROM_TERMS.has(feature.name)) continue
      const value = String(form.get(feature.name) ?? '')
      if (value === '') continue
      attributes[feature.name] = feature.type === 'numerical' ? Number(value) : value
    }
    apply.mutate({
      amount: amount.toString(), // base units as a decimal string (README "API conventions")
      termMonths: Number(form.get('termMonths')),
      purpose: String(form.get('purpose')),
      monthlyIncome: income.toString(),
      attributes,
    })
  }

  if (!model.data) return model.error ? <ProblemNotice error={model.error} /> : <Loading what="the application form" />
  const problem = apply.error instanceof ApiProblem ? apply.error : null
  return (
    <Card title="Apply for a loan" testId="application-form">
      <form className="form" onSubmit={onSubmit}>
        <label>
          Amount ({stablecoin.symbol})
          <input name="amount" inputMode="decimal" required pattern="[0-9,]+(\.[0-9]*)?" />
          {problem?.fieldMessage('amount') ? <span className="field-error">{problem.fieldMessage('amount')}</span> : null}
        </label>
        <label>
          Monthly installments
          <input name="termMonths" type="number" min={1} max={120} required defaultValue={12} />
        </label>
        <label>
          Purpose
          <select name="purpose" defaultValue="car_used">
            {PURPOSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Net monthly income ({stablecoin.symbol})
          <input name="monthlyIncome" inputMode="decimal" required pattern="[0-9,]+(\.[0-9]*)?" />
        </label>
        <details open>
          <summary>About you (the credit model {model.data.name} v{model.data.version} uses these)</summary>
          {model.data.features
            .filter((feature) => !FROM_TERMS.has(feature.name))
            .map((feature) => (
              <label key={feature.name}>
                {(feature.label ?? feature.name).replace(/:$/, '')}
                {feature.type === 'categorical' ? (
                  <select name={feature.name} defaultValue="">
                    <option value="">Prefer not to say</option>
                    {(feature.categories ?? []).map((category) => (
                      <option key={category} value={category}>
                        {category}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input name={feature.name} type="number" min={0} step={1} />
                )}
              </label>
            ))}
        </details>
        <button type="submit" className="button primary" disabled={apply.isPending}>
          {apply.isPending ? 'Scoring…' : 'Apply'}
        </button>
      </form>
      {formError ? <p className="field-error">{formError}</p> : null}
      <ProblemNotice error={apply.error} title="Application" />
    </Card>
  )
}
