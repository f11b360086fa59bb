// The investor's journey: sign in, the suitability questionnaire and KYC, then the portfolio with its
// charts and notes (claim, sell), transactions and auto-invest.
import { Link } from 'react-router'
import { useKycApplication, useSuitability } from '../../api/queries'
import { Faucet, WalletBalance } from '../../components/Wallet'
import { RequireSignIn } from '../../components/WalletButton'
import { KycStep } from '../../onboarding/KycStep'
import { SuitabilityStep } from '../../onboarding/SuitabilityStep'
import { AutoInvest } from './AutoInvest'
import { Portfolio } from './Portfolio'
import { Transactions } from './Transactions'

export default function InvestorPage() {
  return (
    <>
      <h1>Invest</h1>
      <RequireSignIn purpose="invest">
        <InvestorJourney />
      </RequireSignIn>
    </>
  )
}

function InvestorJourney() {
  const suitability = useSuitability()
  const kyc = useKycApplication()
  const ready = kyc.data?.status === 'approved'
  return (
    <div className="journey">
      <ol className="steps" aria-label="Steps">
        <li className={suitability.data?.current ? 'done' : ''}>Questionnaire</li>
        <li className={ready ? 'done' : ''}>Identity</li>
        <li>Lend</li>
      </ol>
      <SuitabilityStep />
      {suitability.data?.current ? <KycStep /> : null}
      {ready ? (
        <>
          <div className="card wallet-card">
            <WalletBalance /> <Faucet />
            <p>
              <Link to="/loans?status=listed">Find loans to fund</Link> · <Link to="/invest/statements">Statements</Link>
            </p>
          </div>
          <Portfolio />
          <AutoInvest />
          <Transactions />
        </>
      ) : null}
    </div>
  )
}
