"""The public API under /api/v1/ (OpenAPI 3.1; the docs page and its assets are served locally)."""

from csp.decorators import csp_update
from ninja import Swagger

from dichvucong.accounts.api import TokenAuth
from dichvucong.accounts.api import router as accounts_router
from dichvucong.agencies.api import router as agencies_router
from dichvucong.catalogue.api import router as catalogue_router
from dichvucong.core.api_schemas import PortalAPI, document_request_errors
from dichvucong.counters.api import router as counters_router
from dichvucong.delivery.api import router as delivery_router
from dichvucong.documents import api as documents_api
from dichvucong.dossiers.api import router as dossiers_router
from dichvucong.esign.api import router as esign_router
from dichvucong.feedback.api import router as feedback_router
from dichvucong.national.api import router as national_router
from dichvucong.payments.api import router as payments_router
from dichvucong.processing.api import router as processing_router
from dichvucong.ratings.api import router as ratings_router
from dichvucong.reports.api import router as reports_router

# A request the operation cannot read answers 422 FormErrors (see core.api_schemas), documented on each one.
api = PortalAPI(
    title="Dịch vụ công API",
    version="1",
    description="Danh mục thủ tục hành chính, cơ quan và đơn vị hành chính.",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_decorator=csp_update({"style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"]}),
    urls_namespace="api-v1",
)
api.add_router("/", catalogue_router)
api.add_router("/", agencies_router)
api.add_router("/", accounts_router)
api.add_router("/", dossiers_router)
api.add_router("/", processing_router)
api.add_router("/", counters_router)
api.add_router("/", payments_router)
api.add_router("/", delivery_router)
api.add_router("/", esign_router)
api.add_router("/", national_router)
api.add_router("/", ratings_router)
api.add_router("/", reports_router)
api.add_router("/", feedback_router)
api.add_router("/", documents_api.router, auth=[TokenAuth(), *documents_api.AUTH])
document_request_errors(api)
