// The operator console's sections. A new queue (AML alerts, collections, disclosure exports) is one more
// entry here and one component: the console's navigation, routing and code-splitting follow from this list.
import type { ComponentType } from 'react'

export interface OperatorSection {
  path: string
  title: string
  /** Roles of an operator key that may use it (the API answers 403 to others). */
  roles: string[]
  description: string
  load: () => Promise<{ default: ComponentType }>
}

export const SECTIONS: OperatorSection[] = [
  {
    path: 'kyc',
    title: 'KYC reviews',
    roles: ['reviewer', 'compliance'],
    description: 'Applications sent to manual review: screening matches, duplicates, enhanced due diligence.',
    load: () => import('./KycReviews'),
  },
  {
    path: 'risk',
    title: 'Credit reviews',
    roles: ['reviewer'],
    description: 'Loan applications the credit engine sent to a reviewer.',
    load: () => import('./RiskReviews'),
  },
  {
    path: 'audit',
    title: 'Audit log',
    roles: ['admin', 'compliance'],
    description: 'Every decision and read of personal data, newest first.',
    load: () => import('./AuditLog'),
  },
]
