// The borrower's journey: sign in, the questionnaire and KYC (the attestation on the chain), a loan
// application and its offer, the listing within the offer, then drawdown and repayment.
import { useState } from 'react'
import { useKycApplication, useLoanApplications, useSuitability } from '../../api/queries'
import type { LoanApplication } from '../../api/types'
import { RequireSignIn } from '../../components/WalletButton'
import { Faucet } from '../../components/Wallet'
import { KycStep } from '../../onboarding/KycStep'
import { SuitabilityStep } from '../../onboarding/SuitabilityStep'
import { useCurrentSession } from '../../session/siwe'
import { ApplicationStep } from './ApplicationStep'
import { ListingStep, OfferCard } from './ListingStep'
import { MyLoans } from './MyLoans'

export default function BorrowerPage() {
  return (
    <>
      <h1>Borrow</h1>
      <RequireSignIn purpose="apply for a loan">
        <BorrowerJourney />
      </RequireSignIn>
    </>
  )
}

function BorrowerJourney() {
  const session = useCurrentSession()!
  const suitability = useSuitability()
  const kyc = useKycApplication()
  const applications = useLoanApplications()
  const [applied, setApplied] = useState<LoanApplication | null>(null)
  const [applyAgain, setApplyAgain] = useState(false)
  const latest = applications.data?.items[0] ?? applied
  const kycApproved = kyc.data?.status === 'approved'

  return (
    <div className="journey">
      <ol className="steps" aria-label="Steps">
        <li className={suitability.data?.current ? 'done' : ''}>Questionnaire</li>
        <li className={kycApproved ? 'done' : ''}>Identity</li>
        <li className={latest ? 'done' : ''}>Application</li>
        <li>Listing and repayment</li>
      </ol>
      <SuitabilityStep />
      {suitability.data?.current ? <KycStep /> : null}
      {kycApproved ? (
        <>
          {latest && !applyAgain ? (
            <>
              <OfferCard application={latest} />
              {latest.status === 'approved' ? <ListingStep application={latest} onListed={() => setApplied(null)} /> : null}
              <button type="button" className="button link" onClick={() => setApplyAgain(true)}>
                Make a new application
              </button>
            </>
          ) : (
            <ApplicationStep
              onApplied={(application) => {
                setApplied(application)
                setApplyAgain(false)
              }}
            />
          )}
          <Faucet />
          <MyLoans borrower={session.address} />
        </>
      ) : null}
    </div>
  )
}
