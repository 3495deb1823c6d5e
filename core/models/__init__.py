"""All models, imported here so `Base.metadata` knows every table (Alembic reads it)."""

from core.db import Base
from core.models.accounts import LoginAttempt, UserSession
from core.models.enums import *  # noqa: F403
from core.models.experiments import Experiment, ExperimentStatus, ExperimentWinner
from core.models.growth import (
    InsightGenerationRun,
    ListingEdit,
    MarketBenchmark,
    PriceChange,
    SellerApplicationDecision,
    SellerGoal,
    SellerInsight,
    SellerResource,
)
from core.models.marketplace import (
    AnalyticsEvent,
    Category,
    ConversionEvent,
    DigitalProduct,
    ProductView,
    RevenueRecord,
    SearchQuery,
    SellerProfile,
    User,
)
from core.models.operations import (
    AICallLog,
    AlertRule,
    DailyDigest,
    DetectedAnomaly,
    IngestionBatch,
    OperatorAlert,
)
from core.models.performance import (
    AdSpend,
    Order,
    ProductRecommendation,
    SellerAlertBreach,
    SellerAlertSettings,
    SellerTraffic,
)
from core.models.pipeline import (
    CreatorPipeline,
    PipelineInvite,
    PipelineStage,
    PipelineStageChange,
    PipelineTouch,
    TouchSource,
    TouchType,
)
from core.models.scale import AnalyticsRollup, ListingScoreRecord, RollupWatermark, SearchSupplyCount
from core.models.system import AICache, EmailOutbox, JobClaim, JobRun, JobRunnerHeartbeat, Notification

__all__ = [
    "AICache",
    "AICallLog",
    "AdSpend",
    "AlertRule",
    "AnalyticsEvent",
    "AnalyticsRollup",
    "Base",
    "Category",
    "ConversionEvent",
    "CreatorPipeline",
    "DailyDigest",
    "DetectedAnomaly",
    "DigitalProduct",
    "EmailOutbox",
    "Experiment",
    "ExperimentStatus",
    "ExperimentWinner",
    "IngestionBatch",
    "InsightGenerationRun",
    "JobClaim",
    "JobRun",
    "JobRunnerHeartbeat",
    "ListingEdit",
    "ListingScoreRecord",
    "LoginAttempt",
    "MarketBenchmark",
    "Notification",
    "OperatorAlert",
    "Order",
    "PipelineInvite",
    "PipelineStage",
    "PipelineStageChange",
    "PipelineTouch",
    "PriceChange",
    "ProductRecommendation",
    "ProductView",
    "RevenueRecord",
    "RollupWatermark",
    "SearchQuery",
    "SearchSupplyCount",
    "SellerAlertBreach",
    "SellerAlertSettings",
    "SellerApplicationDecision",
    "SellerGoal",
    "SellerInsight",
    "SellerProfile",
    "SellerResource",
    "SellerTraffic",
    "TouchSource",
    "TouchType",
    "User",
    "UserSession",
]
