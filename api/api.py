from ninja import NinjaAPI

api = NinjaAPI(
    title="Cancéropôle Île-de-France API",
    version="1.0",
    description="REST API of the Cancéropôle platform. Authenticate with a personal token: `Authorization: Bearer <token>`.",
    urls_namespace="api",
)
