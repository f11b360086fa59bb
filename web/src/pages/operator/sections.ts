// The operator console's sections. A new queue (disclosure exports, say) is one more entry here
// and its component in OperatorSection.tsx's PAGES: the console's navigation, routing and code-splitting
// follow from this list. It imports no component, so the browser tests can read it as plain data.

export type SectionPath = 'kyc' | 'risk' | 'complaints' | 'collections' | 'aml' | 'audit'

export interface OperatorSection {
  path: SectionPath
  title: string
  /** Roles of an operator key that may use it (the API answers 403 to others). */
  roles: string[]
  description: string
}

export const SECTIONS: OperatorSection[] = [
  {
    path: 'kyc',
    title: 'KYC reviews',
    roles: ['reviewer', 'compliance'],
    description: 'Applications sent to manual review: screening matches, duplicates, enhanced due diligence.',
  },
  {
    path: 'risk',
    title: 'Credit reviews',
    roles: ['reviewer'],
    description: 'Loan applications the credit engine sent to a reviewer.',
  },
  {
    path: 'complaints',
    title: 'Complaints',
    roles: ['reviewer', 'supervisor'],
    description: 'Complaints by status and SLA: acknowledge, respond, resolve; a supervisor escalates to mediation.',
  },
  {
    path: 'collections',
    title: 'Collections',
    roles: ['collector', 'supervisor'],
    description: 'Late loans by tier on the chain clock: contacts, promises to pay, legal referral; a supervisor assigns cases.',
  },
  {
    path: 'aml',
    title: 'AML cases',
    roles: ['compliance'],
    description: 'Cases of alerts per person: dispositions with a reason, a freeze or report approved by a second officer.',
  },
  {
    path: 'audit',
    title: 'Audit log',
    roles: ['admin', 'compliance'],
    description: 'Every decision and read of personal data, newest first.',
  },
]
