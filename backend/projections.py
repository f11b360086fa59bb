"""Where the domains' projections meet the indexer: every read model the chain index keeps, and the
handler of each event (the composition root; backend/chain/indexer/registry.py is the mechanism).

  IdentityRegistry.IdentityAttested/Revoked/Frozen/Unfrozen -> kyc: chain_identities
  CreditOracle.CreditRecordUpdated, BatchSubmitted           -> oracle_feed: chain_credit_records,
                                                                chain_oracle_rounds
  <any ERC-20 in the manifest>.Transfer                      -> loans (transfers.py): wallet activity
  LoanMarket / LoanNote / CollateralVault                    -> loans (projections.py, its table)
  LoanMarket.NoteOffered/NoteOfferCancelled/NoteSold         -> market (projections.py)
  LoanMarket.LoanRepaid/LoanDefaulted/DefaultCovered/...      observed by notifications: notices to holders
  LoanMarket.Restructure*                                    -> restructuring (projections.py; the new
                                                                schedule through loans' `reschedule`);
                                                                observed by its notices.py: notices to holders
  DisclosureRegistry.SnapshotAnchored                        -> disclosure (projections.py)
  LoanMarket.AgreementBound/AgreementAccepted                -> agreements (projections.py): each loan's
                                                                bound hash, each funding's acceptance
  observed: fundings, repayments, claims, sales, pledges,     -> aml (observers.py): alerts, cases
  stablecoin transfers, attestations

A new domain adds its `projections.HANDLERS` and `models.READ_MODELS` here, one line.
"""

from __future__ import annotations

from backend.agreements import models as agreement_models
from backend.agreements import projections as agreements
from backend.aml import observers as aml
from backend.chain.indexer.registry import Projections
from backend.disclosure import models as disclosure_models
from backend.disclosure import projections as disclosure
from backend.kyc import models as kyc_models
from backend.kyc import projections as kyc
from backend.loans import models as loan_models
from backend.loans import projections as loans
from backend.loans import transfers
from backend.market import models as market_models
from backend.market import projections as market
from backend.notifications import projections as notifications
from backend.oracle_feed import models as oracle_models
from backend.oracle_feed import projections as oracle
from backend.restructuring import models as restructuring_models
from backend.restructuring import notices as restructuring_notices
from backend.restructuring import projections as restructuring

PROJECTIONS = Projections()
PROJECTIONS.register(kyc.HANDLERS, kyc_models.READ_MODELS)
PROJECTIONS.register(oracle.HANDLERS, oracle_models.READ_MODELS)
PROJECTIONS.register(transfers.HANDLERS)
PROJECTIONS.register(loans.HANDLERS, loan_models.READ_MODELS)
PROJECTIONS.register(market.HANDLERS, market_models.READ_MODELS)
PROJECTIONS.observe(notifications.OBSERVERS)
PROJECTIONS.register(restructuring.HANDLERS, restructuring_models.READ_MODELS)
PROJECTIONS.observe(restructuring_notices.OBSERVERS)  # after the projection: the notice reads the loan
PROJECTIONS.register(disclosure.HANDLERS, disclosure_models.READ_MODELS)
PROJECTIONS.register(agreements.HANDLERS, agreement_models.READ_MODELS)
PROJECTIONS.observe(aml.OBSERVERS)  # AML rules: alerts commit with the range (backend/aml/observers.py)

# Every table the projections write: what a rebuild empties first, and what tests compare.
ALL_READ_MODELS = tuple(PROJECTIONS.read_models)
apply = PROJECTIONS.apply
rebuild = PROJECTIONS.rebuild
handler_for = PROJECTIONS.handler_for
