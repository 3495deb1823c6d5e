"""Vocabulary of the demo marketplace: categories, product subjects, prices per type, names and search terms.

Plain data only (the generator in `core/demo/generator.py` and `core/demo/listings.py` draws from it).
The catalogue words are chosen so that no product ever mentions a `GAP_TERMS` entry:
those searches must point at real holes in the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.models.enums import DigitalProductType as T

# (slug, name, weekend_factor): how strongly the category sells on Saturdays/Sundays
# (weddings and kids' things are browsed at the weekend, business templates on workdays).
CATEGORIES: list[tuple[str, str, float]] = [
    ("business-finance", "Business & Finance", 0.55),
    ("productivity", "Productivity", 0.80),
    ("education", "Education", 0.85),
    ("marketing", "Marketing", 0.70),
    ("design", "Design", 0.90),
    ("wedding-events", "Wedding & Events", 1.35),
    ("health-fitness", "Health & Fitness", 1.10),
    ("personal-finance", "Personal Finance", 1.05),
    ("social-media", "Social Media", 0.95),
    ("real-estate", "Real Estate", 0.75),
    ("photography", "Photography", 1.15),
    ("kids-parenting", "Kids & Parenting", 1.30),
]

# Subjects per category, each with the product types it makes sense as.
SUBJECTS: dict[str, list[tuple[str, tuple[T, ...]]]] = {
    "business-finance": [
        ("Business Plan", (T.DOCUMENT, T.POWERPOINT, T.EBOOK)),
        ("Pitch Deck", (T.POWERPOINT,)),
        ("Invoice", (T.DOCUMENT, T.SPREADSHEET)),
        ("Cash Flow Forecast", (T.SPREADSHEET,)),
        ("Startup Financial Model", (T.SPREADSHEET, T.COURSE)),
        ("Consulting Proposal", (T.DOCUMENT, T.POWERPOINT)),
        ("Small Business Bookkeeping", (T.SPREADSHEET, T.COURSE, T.EBOOK)),
        ("Quarterly Business Review", (T.POWERPOINT,)),
        ("Company Profile", (T.POWERPOINT, T.DOCUMENT, T.WEB_TEMPLATE)),
        ("Profit and Loss Statement", (T.SPREADSHEET,)),
    ],
    "productivity": [
        ("Daily Planner", (T.PLANNER,)),
        ("Weekly Planner", (T.PLANNER,)),
        ("Project Tracker", (T.SPREADSHEET,)),
        ("Goal Setting Workbook", (T.PLANNER, T.EBOOK)),
        ("Time Blocking", (T.PLANNER, T.COURSE)),
        ("Meeting Notes", (T.DOCUMENT,)),
        ("Habit Tracker", (T.PLANNER, T.SPREADSHEET)),
        ("Undated Planner", (T.PLANNER,)),
        ("Task Manager", (T.SPREADSHEET, T.WEB_TEMPLATE)),
        ("Productivity System", (T.COURSE, T.EBOOK)),
    ],
    "education": [
        ("Lesson Plan", (T.DOCUMENT, T.PLANNER)),
        ("Study Planner", (T.PLANNER,)),
        ("Math Worksheets", (T.DOCUMENT,)),
        ("Online Teaching", (T.COURSE, T.EBOOK)),
        ("Classroom Slides", (T.POWERPOINT,)),
        ("Grade Book", (T.SPREADSHEET,)),
        ("Reading Log", (T.PLANNER, T.DOCUMENT)),
        ("Course Workbook", (T.DOCUMENT, T.EBOOK)),
        ("Student Portfolio", (T.WEB_TEMPLATE,)),
        ("Exam Revision", (T.PLANNER, T.EBOOK)),
    ],
    "marketing": [
        ("Marketing Plan", (T.DOCUMENT, T.POWERPOINT)),
        ("Email Marketing", (T.COURSE, T.EBOOK)),
        ("Brand Strategy", (T.POWERPOINT, T.COURSE)),
        ("Landing Page", (T.WEB_TEMPLATE,)),
        ("Content Strategy", (T.EBOOK, T.COURSE)),
        ("Marketing Budget", (T.SPREADSHEET,)),
        ("Newsletter", (T.WEB_TEMPLATE, T.DOCUMENT)),
        ("Customer Persona", (T.DOCUMENT, T.POWERPOINT)),
        ("Launch Plan", (T.DOCUMENT, T.SPREADSHEET)),
        ("Copywriting", (T.COURSE, T.EBOOK)),
    ],
    "design": [
        ("Logo", (T.GRAPHIC,)),
        ("Brand Kit", (T.GRAPHIC, T.POWERPOINT)),
        ("Icon Set", (T.GRAPHIC,)),
        ("Portfolio", (T.WEB_TEMPLATE, T.POWERPOINT)),
        ("Font Pairing", (T.EBOOK, T.GRAPHIC)),
        ("Mockup", (T.GRAPHIC,)),
        ("UI Kit", (T.GRAPHIC, T.WEB_TEMPLATE)),
        ("Color Palette", (T.GRAPHIC,)),
        ("Design Fundamentals", (T.COURSE,)),
        ("Procreate Brushes", (T.GRAPHIC,)),
    ],
    "wedding-events": [
        ("Wedding Planner", (T.PLANNER,)),
        ("Wedding Budget", (T.SPREADSHEET,)),
        ("Wedding Invitation", (T.GRAPHIC, T.DOCUMENT)),
        ("Wedding Website", (T.WEB_TEMPLATE,)),
        ("Event Planning Checklist", (T.PLANNER, T.DOCUMENT)),
        ("Guest List", (T.SPREADSHEET,)),
        ("Party Invitation", (T.GRAPHIC,)),
        ("Wedding Timeline", (T.PLANNER, T.DOCUMENT)),
        ("Event Run Sheet", (T.DOCUMENT, T.SPREADSHEET)),
        ("Save the Date", (T.GRAPHIC,)),
    ],
    "health-fitness": [
        ("Workout Plan", (T.PLANNER, T.EBOOK)),
        ("Meal Planner", (T.PLANNER, T.SPREADSHEET)),
        ("Fitness Tracker", (T.SPREADSHEET, T.PLANNER)),
        ("Yoga for Beginners", (T.COURSE, T.EBOOK)),
        ("Macro Calculator", (T.SPREADSHEET,)),
        ("Wellness Journal", (T.PLANNER,)),
        ("Personal Trainer Client Forms", (T.DOCUMENT,)),
        ("Healthy Recipes", (T.EBOOK,)),
        ("Running Plan", (T.PLANNER, T.SPREADSHEET)),
        ("Strength Training", (T.COURSE,)),
    ],
    "personal-finance": [
        ("Budget Planner", (T.PLANNER, T.SPREADSHEET)),
        ("Debt Payoff Tracker", (T.SPREADSHEET, T.PLANNER)),
        ("Savings Challenge", (T.PLANNER, T.GRAPHIC)),
        ("Investing Basics", (T.COURSE, T.EBOOK)),
        ("Net Worth Tracker", (T.SPREADSHEET,)),
        ("Monthly Budget", (T.SPREADSHEET, T.PLANNER)),
        ("Expense Tracker", (T.SPREADSHEET,)),
        ("Retirement Planning", (T.EBOOK, T.COURSE)),
        ("Sinking Funds", (T.PLANNER, T.SPREADSHEET)),
        ("Money Mindset", (T.EBOOK,)),
    ],
    "social-media": [
        ("Instagram Post Templates", (T.GRAPHIC,)),
        ("Instagram Story Templates", (T.GRAPHIC,)),
        ("Social Media Planner", (T.PLANNER, T.SPREADSHEET)),
        ("Content Calendar", (T.SPREADSHEET, T.PLANNER)),
        ("Instagram Growth", (T.COURSE, T.EBOOK)),
        ("LinkedIn Carousel", (T.GRAPHIC, T.POWERPOINT)),
        ("Social Media Report", (T.POWERPOINT, T.SPREADSHEET)),
        ("Hashtag Guide", (T.EBOOK,)),
        ("Reels Hooks", (T.EBOOK, T.DOCUMENT)),
        ("Influencer Media Kit", (T.GRAPHIC, T.DOCUMENT)),
    ],
    "real-estate": [
        ("Listing Presentation", (T.POWERPOINT,)),
        ("Property Flyer", (T.GRAPHIC, T.DOCUMENT)),
        ("Rental Property Analysis", (T.SPREADSHEET,)),
        ("Real Estate Agent Website", (T.WEB_TEMPLATE,)),
        ("Home Buyer Guide", (T.EBOOK, T.DOCUMENT)),
        ("Lease Agreement", (T.DOCUMENT,)),
        ("Just Listed Posts", (T.GRAPHIC,)),
        ("Real Estate Investing", (T.COURSE, T.EBOOK)),
        ("Property Management Tracker", (T.SPREADSHEET,)),
        ("Market Update Report", (T.POWERPOINT, T.DOCUMENT)),
    ],
    "photography": [
        ("Lightroom Presets", (T.GRAPHIC,)),
        ("Photography Pricing Guide", (T.EBOOK, T.DOCUMENT)),
        ("Photography Contract", (T.DOCUMENT,)),
        ("Photo Editing", (T.COURSE,)),
        ("Client Welcome Guide", (T.DOCUMENT, T.EBOOK)),
        ("Shot List", (T.PLANNER, T.DOCUMENT)),
        ("Photography Portfolio", (T.WEB_TEMPLATE,)),
        ("Photo Overlays", (T.GRAPHIC,)),
        ("Photography Business", (T.COURSE, T.EBOOK)),
        ("Photo Session Planner", (T.PLANNER,)),
    ],
    "kids-parenting": [
        ("Baby Milestone Cards", (T.GRAPHIC,)),
        ("Homeschool Planner", (T.PLANNER,)),
        ("Kids Activity Pages", (T.DOCUMENT,)),
        ("Reward Chart", (T.PLANNER, T.GRAPHIC)),
        ("Family Meal Planner", (T.PLANNER,)),
        ("Pregnancy Journal", (T.PLANNER,)),
        ("Kids Birthday Invitation", (T.GRAPHIC,)),
        ("Positive Parenting", (T.COURSE, T.EBOOK)),
        ("Alphabet Tracing Worksheets", (T.DOCUMENT,)),
        ("Family Budget", (T.SPREADSHEET,)),
    ],
}


@dataclass(frozen=True)
class TypeProfile:
    """How a product type is priced and named."""

    low: float  # usual price range in USD
    high: float
    nouns: tuple[str, ...]  # appended to the subject in titles
    file_formats: str


TYPE_PROFILES: dict[T, TypeProfile] = {
    T.COURSE: TypeProfile(29, 199, ("Course", "Masterclass", "Video Course", "Online Course"), "video lessons + PDF"),
    T.EBOOK: TypeProfile(5, 29, ("eBook", "Guide", "Handbook", "Playbook"), "PDF and EPUB"),
    T.PLANNER: TypeProfile(3, 15, ("Planner", "Printable Planner", "Digital Planner", "Planner Pages"), "PDF"),
    T.POWERPOINT: TypeProfile(
        9, 49, ("Presentation Template", "Slide Deck", "PowerPoint Template"), "PPTX and Keynote"
    ),
    T.DOCUMENT: TypeProfile(4, 25, ("Template", "Word Template", "Printable", "Document Kit"), "DOCX and PDF"),
    T.WEB_TEMPLATE: TypeProfile(19, 79, ("Website Template", "Web Template", "Site Template"), "HTML/CSS"),
    T.SPREADSHEET: TypeProfile(7, 39, ("Spreadsheet", "Excel Template", "Google Sheets Template", "Tracker"), "XLSX"),
    T.GRAPHIC: TypeProfile(5, 35, ("Graphics Pack", "Bundle", "Design Pack", "Templates"), "PNG, SVG and PSD"),
}

TITLE_ADJECTIVES = [
    "Ultimate",
    "Minimalist",
    "Professional",
    "Editable",
    "Complete",
    "Modern",
    "Simple",
    "All-in-One",
    "Beginner-Friendly",
    "Elegant",
    "Printable",
    "Done-for-You",
]
TITLE_BENEFITS = [
    "Save Hours Every Week",
    "Fully Editable",
    "Instant Download",
    "Made for Small Teams",
    "Easy to Customize",
    "Step-by-Step",
    "Get Organized Fast",
    "Clean and Modern Layout",
    "Works on Any Device",
    "Includes Video Walkthrough",
]
AUDIENCES = [
    "freelancers",
    "small business owners",
    "busy parents",
    "students",
    "teachers",
    "coaches and consultants",
    "new creators",
    "agencies",
    "side hustlers",
    "first-time home buyers",
]
FEATURES = [
    "Fully editable layouts with clearly labelled sections",
    "Step-by-step instructions so you can start in minutes",
    "Print-ready and screen-friendly versions",
    "Light and dark colour themes",
    "Examples filled in so you can see how it works",
    "Automatic totals and summaries where numbers matter",
    "Free updates when new pages are added",
    "Works in the free tools most people already use",
    "Checklists that keep every step on track",
    "Bonus quick-start cheat sheet",
    "Lifetime access to every file in the bundle",
    "Friendly email support from the creator",
]
PLAIN_SENTENCES = [
    "This is a {subject_l} for {audience}.",
    "Use it to plan, track and finish your work.",
    "It comes as a {formats} download.",
    "Edit the colours and text as you like.",
    "Good for personal use.",
    "Simple layout and easy to use.",
]

# Tags per category: the relevant ones a good listing uses.
CATEGORY_TAGS: dict[str, list[str]] = {
    "business-finance": ["business", "finance", "small business", "startup", "accounting", "invoice", "entrepreneur"],
    "productivity": ["productivity", "planner", "organization", "time management", "goals", "to do list", "focus"],
    "education": ["education", "teaching", "classroom", "study", "students", "homeschool", "learning"],
    "marketing": ["marketing", "branding", "email marketing", "strategy", "launch", "copywriting", "growth"],
    "design": ["design", "branding", "graphics", "mockup", "logo", "creative", "ui design"],
    "wedding-events": ["wedding", "bride", "event planning", "party", "invitation", "celebration", "checklist"],
    "health-fitness": ["fitness", "health", "workout", "meal plan", "wellness", "nutrition", "self care"],
    "personal-finance": ["budget", "money", "savings", "debt free", "personal finance", "frugal", "finance tracker"],
    "social-media": ["social media", "instagram", "content creator", "linkedin", "engagement", "templates", "reels"],
    "real-estate": ["real estate", "realty", "property", "home buying", "listing", "investing", "rental"],
    "photography": ["photography", "photographer", "presets", "photo editing", "client guide", "portfolio"],
    "kids-parenting": ["kids", "parenting", "family", "toddler", "printables", "baby", "activities"],
}

FIRST_NAMES = [
    "Olivia", "Liam", "Emma", "Ethan", "Ava", "Lucas", "Sophia", "Mason", "Isabella", "Logan", "Mia", "James",
    "Amelia", "Aiden", "Harper", "Elijah", "Evelyn", "Benjamin", "Abigail", "Jacob", "Ella", "Michael", "Chloe",
    "Daniel", "Grace", "Henry", "Zoe", "Jackson", "Lily", "Sebastian", "Aria", "Samuel", "Layla", "David", "Nora",
    "Joseph", "Riley", "Carter", "Hannah", "Owen", "Stella", "Wyatt", "Aurora", "John", "Violet", "Leo", "Lucy",
    "Priya", "Arjun", "Mei", "Hiroshi", "Fatima", "Omar", "Sofia", "Mateo", "Amara", "Kwame", "Ingrid", "Lars",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
    "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson",
    "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Okafor", "Kowalski", "Novak", "Sato",
]  # fmt: skip
SHOP_WORDS = ["Studio", "Co.", "Templates", "Designs", "Lab", "Shop", "Creative", "Press", "Collective", "Works"]

# Searches with (almost) no results: what buyers want and nobody sells yet.
# (term, weight of the volume, trend): trend "rising" = mostly in the last 30 days, "fading" = mostly 60-120 days ago.
GAP_TERMS: list[tuple[str, float, str]] = [
    ("notion budget template", 40, "rising"),
    ("adhd planner", 34, "rising"),
    ("wedding seating chart", 28, "flat"),
    ("etsy seo checklist", 24, "rising"),
    ("ai prompt library", 20, "rising"),
    ("airbnb welcome book", 14, "rising"),
    ("notion habit tracker", 12, "rising"),
    ("kdp low content interior", 10, "fading"),
    ("cricut svg bundle", 9, "fading"),
    ("vision board kit", 8, "fading"),
    ("llc operating agreement", 8, "flat"),
    ("podcast launch checklist", 7, "flat"),
    ("chatgpt prompts for realtors", 7, "rising"),
    ("bachelorette party games", 6, "fading"),
    ("twitch overlay", 6, "flat"),
    ("dnd character sheet", 6, "flat"),
    ("ugc creator media kit", 5, "rising"),
    ("airbnb house rules sign", 4, "flat"),
    ("baby sleep log", 4, "flat"),
    ("realtor open house sign in sheet", 3, "flat"),
    ("chore chart for toddlers", 3, "flat"),
    ("sourdough recipe journal", 3, "fading"),
    ("dog training log", 3, "flat"),
    ("substitute teacher binder", 3, "flat"),
    ("nanny handbook", 2, "flat"),
    ("grant proposal template", 2, "flat"),
    ("bookkeeping for therapists", 2, "flat"),
    ("pilates workout plan", 2, "rising"),
    ("sobriety tracker", 2, "flat"),
    ("quinceanera invitation", 2, "fading"),
    ("garden planting calendar", 2, "fading"),
    ("pet sitting contract", 2, "flat"),
    ("depop listing templates", 1.5, "flat"),
    ("esl flashcards", 1.5, "flat"),
    ("ivf tracker", 1.5, "flat"),
    ("tarot journal", 1.5, "flat"),
    ("wedding vow booklet", 1.5, "flat"),
    ("book club discussion guide", 1, "flat"),
    ("hair salon price list", 1, "flat"),
    ("ramadan planner", 1, "fading"),
]

TRAFFIC_SOURCES: list[tuple[str, float]] = [
    ("google", 30),
    ("instagram", 18),
    ("direct", 17),
    ("tiktok", 12),
    ("email", 8),
    ("youtube", 8),
    ("twitter", 7),
]
# Share of a source's visitors who sign up (email and direct visitors already know the marketplace).
SIGNUP_RATE: dict[str, float] = {
    "google": 0.12,
    "instagram": 0.10,
    "direct": 0.16,
    "tiktok": 0.07,
    "email": 0.21,
    "youtube": 0.11,
    "twitter": 0.08,
}
UTM_MEDIUM: dict[str, str] = {
    "instagram": "social",
    "tiktok": "social",
    "twitter": "social",
    "youtube": "video",
    "email": "email",
}
CAMPAIGN_KINDS = ["new-year-planning", "spring-launch", "summer-sale", "back-to-school", "black-friday", "creator-week"]
LANDING_PAGES = ["/", "/browse", "/category/{slug}", "/product/{slug}", "/search", "/pricing", "/blog"]
DEVICES: list[tuple[str, float]] = [("mobile", 62), ("desktop", 33), ("tablet", 5)]
SELLER_BIOS = [
    "Digital {topics} products that save you hours every week.",
    "Templates and guides for {topics}, made by a former freelancer.",
    "I design printable and editable {topics} tools that are easy to use.",
    "Helping busy people get {topics} done, one template at a time.",
    "Simple, beautiful {topics} resources. New products every month.",
]
