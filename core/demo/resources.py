"""The demo learn library: helpful seller articles, guides, a video and success stories (HTML content)."""

from __future__ import annotations

from dataclasses import dataclass

from core.models.enums import ResourceType


@dataclass(frozen=True)
class DemoResource:
    title: str
    slug: str
    type: ResourceType
    category: str  # pricing | marketing | seo | listing | growth
    tags: tuple[str, ...]
    excerpt: str
    content: str
    is_published: bool = True
    video_url: str | None = None


def _article(*parts: str) -> str:
    return "\n".join(parts)


RESOURCES: list[DemoResource] = [
    DemoResource(
        title="How to Price a Digital Product",
        slug="how-to-price-a-digital-product",
        type=ResourceType.GUIDE,
        category="pricing",
        tags=("pricing", "benchmarks", "revenue"),
        excerpt="Use market benchmarks, your product's value and simple tests to find a price buyers accept.",
        content=_article(
            "<h2>Start from the market, not from your hours</h2>",
            "<p>Buyers compare your product with similar listings in the same category before they buy. "
            "Look at the median price of your product type and category on the Market page: it tells you what "
            "people already pay. Pricing far below the median rarely wins more sales; it often signals low "
            "quality. Pricing far above it needs a visible reason, such as more pages, video lessons or support.</p>",
            "<h2>Three questions before you set a price</h2>",
            "<ol><li>What problem does the product solve, and how much time does it save?</li>"
            "<li>Which listings would a buyer compare it with, and what do they cost?</li>"
            "<li>What makes yours better: more content, better design, updates, or a bonus?</li></ol>",
            "<h2>Use price points buyers recognise</h2>",
            "<p>Prices ending in .99 or round numbers both work; what matters is consistency across your shop. "
            "Keep a clear ladder: an entry product, a core product, and a premium bundle. The bundle makes the "
            "core product look like good value, and the entry product brings first-time buyers in.</p>",
            "<h2>Test, then measure</h2>",
            "<ul><li>Change one price at a time and wait at least two weeks.</li>"
            "<li>Compare revenue, not just units: fewer sales at a higher price can earn more.</li>"
            "<li>Watch your conversion rate; if it drops by more than a third, the step was too big.</li></ul>",
            "<p>The Pricing tool shows where your price sits against the benchmark and suggests a range. Treat "
            "it as a starting point, then let your own sales data decide.</p>",
        ),
    ),
    DemoResource(
        title="When (and How) to Raise Your Prices",
        slug="when-to-raise-your-prices",
        type=ResourceType.BEST_PRACTICE,
        category="pricing",
        tags=("pricing", "growth"),
        excerpt="Signs that your product is underpriced and a safe way to raise the price without losing buyers.",
        content=_article(
            "<h2>Signs you are underpriced</h2>",
            "<ul><li>Your conversion rate is well above the category average.</li>"
            "<li>Reviews mention how much value the product gives for the price.</li>"
            "<li>Your price is in the bottom quarter of the category benchmark.</li>"
            "<li>Buyers often purchase several of your products at once.</li></ul>",
            "<h2>Raise in steps</h2>",
            "<p>Increase the price by 10 to 20 percent, not more. Announce the change to your followers a few "
            "days before: a deadline gives hesitant buyers a reason to act, which often produces a short spike "
            "in sales. After the change, compare two full weeks of revenue with the two weeks before.</p>",
            "<h2>Add value when you add price</h2>",
            "<p>A bigger step is easier to justify with something new: extra templates, a short video "
            "walkthrough, or a checklist. Update the description and the gallery so the new value is visible "
            "in the first screen of the listing.</p>",
            "<h2>Know when to stop</h2>",
            "<p>If revenue falls for two weeks in a row after a change, move back halfway. Pricing is not a "
            "one-time decision; revisit it every quarter and whenever the market benchmark moves.</p>",
        ),
    ),
    DemoResource(
        title="SEO Basics for Marketplace Listings",
        slug="seo-basics-for-listings",
        type=ResourceType.TUTORIAL,
        category="seo",
        tags=("seo", "search", "keywords"),
        excerpt="Write titles, tags and SEO fields that match what buyers type into the search box.",
        content=_article(
            "<h2>Think like a searcher</h2>",
            "<p>Buyers search for what they need, not for your brand. Before writing a title, list the words a "
            "buyer would type: the product type, the use, and the audience. Check the Market page for searches "
            "that return few results; they show demand nobody serves yet.</p>",
            "<h2>Titles</h2>",
            "<ul><li>Put the main keyword first: what the product is.</li>"
            "<li>Add the key benefit or audience after it.</li>"
            "<li>Stay between 30 and 80 characters, and never write the whole title in capitals.</li></ul>",
            "<h2>Tags and keywords</h2>",
            "<p>Use at least five tags, each a phrase a buyer might search. Mix broad tags with specific ones: "
            "a broad tag brings volume, a specific tag brings buyers who are ready to purchase. Do not repeat the "
            "same word in every tag, and do not use tags that have nothing to do with the product.</p>",
            "<h2>SEO title and description</h2>",
            "<p>The SEO title is what search engines show; keep it under 60 characters. The SEO description "
            "should say in one or two sentences what the buyer gets, in plain words, within 160 characters. "
            "Fill in at least three SEO keywords that match your tags.</p>",
            "<h2>Check your score</h2>",
            "<p>The Listing health page scores every listing and tells you which fields are missing.</p>",
        ),
    ),
    DemoResource(
        title="Listing Photos That Sell",
        slug="listing-photos-that-sell",
        type=ResourceType.GUIDE,
        category="listing",
        tags=("images", "listing", "conversion"),
        excerpt="A featured image and at least three gallery images: what to show in each one.",
        content=_article(
            "<h2>The featured image decides the click</h2>",
            "<p>In search results buyers see one image and a title. Show the product itself, large and "
            "readable, on a clean background. Add a short text overlay with the product type, for example "
            "'Editable budget spreadsheet', so the image works even at thumbnail size.</p>",
            "<h2>Gallery: answer the buyer's questions</h2>",
            "<ol><li><strong>What is inside:</strong> a grid of the pages or slides.</li>"
            "<li><strong>How it looks in use:</strong> a mockup on a laptop, tablet or printed page.</li>"
            "<li><strong>Details:</strong> a close-up of one page, readable.</li>"
            "<li><strong>What you get:</strong> a list of files and formats.</li></ol>",
            "<h2>Keep a consistent style</h2>",
            "<p>Use the same fonts, colours and layout across your listings. A consistent shop looks "
            "trustworthy, and returning buyers recognise your products in search results.</p>",
            "<h2>Technical tips</h2>",
            "<ul><li>Use at least 2000 pixels on the long side.</li>"
            "<li>Keep important content away from the edges; thumbnails crop.</li>"
            "<li>Avoid tiny text and busy backgrounds.</li></ul>",
            "<p>Listings with a featured image and three or more gallery images convert noticeably better than "
            "listings with none.</p>",
        ),
    ),
    DemoResource(
        title="Writing Product Descriptions That Convert",
        slug="writing-product-descriptions",
        type=ResourceType.TUTORIAL,
        category="listing",
        tags=("description", "copywriting", "listing"),
        excerpt="Structure a description with headings, a feature list and clear file details.",
        content=_article(
            "<h2>Lead with the outcome</h2>",
            "<p>The first two sentences should tell the buyer what changes for them: time saved, a problem "
            "solved, a result reached. Many buyers read only this part, so do not spend it on your story.</p>",
            "<h2>Use a structure buyers can scan</h2>",
            "<ul><li><strong>What's inside</strong>: a bullet list of every page, sheet or lesson.</li>"
            "<li><strong>Who it's for</strong>: the audience and the situation.</li>"
            "<li><strong>How to use it</strong>: three or four simple steps.</li>"
            "<li><strong>File details</strong>: formats, software needed, size.</li></ul>",
            "<h2>Be specific</h2>",
            "<p>'24 editable slides with speaker notes' sells better than 'lots of slides'. Numbers, formats "
            "and examples reduce doubt. If the product works in free software, say so: it removes an objection "
            "before it comes up.</p>",
            "<h2>Length</h2>",
            "<p>Aim for at least 200 words. Short descriptions leave questions open, and open questions cost "
            "sales. Very long walls of text are just as bad: break them into sections with headings.</p>",
            "<h2>Finish with reassurance</h2>",
            "<p>End with how delivery works and how to reach you with questions. A buyer who knows help is "
            "available is more likely to click the button.</p>",
        ),
    ),
    DemoResource(
        title="Your Launch Checklist",
        slug="launch-checklist",
        type=ResourceType.BEST_PRACTICE,
        category="growth",
        tags=("launch", "checklist", "first sale"),
        excerpt="Everything to do before, during and after publishing a new product.",
        content=_article(
            "<h2>Before you publish</h2>",
            "<ul><li>Title of 30 to 80 characters with the main keyword first.</li>"
            "<li>A description of 200 words or more, with headings and a feature list.</li>"
            "<li>A featured image and at least three gallery images.</li>"
            "<li>Five or more relevant tags and the SEO fields filled in.</li>"
            "<li>A price checked against the category benchmark.</li></ul>",
            "<h2>Launch week</h2>",
            "<ol><li>Tell your email list and your social followers on launch day.</li>"
            "<li>Offer a small launch discount for the first 72 hours.</li>"
            "<li>Post a behind-the-scenes look at how you made it.</li>"
            "<li>Ask your first buyers for an honest review.</li></ol>",
            "<h2>After the first sales</h2>",
            "<p>Look at the views and conversion rate after two weeks. Many views but few sales usually means "
            "the price or the images need work. Few views means the title and tags do not match what buyers "
            "search for. Fix the weakest part first, then measure again.</p>",
            "<h2>Keep the momentum</h2>",
            "<p>Set a goal for the next 30 days on the Goals page, and plan one related product that you can "
            "offer to the same buyers.</p>",
        ),
    ),
    DemoResource(
        title="Marketing Your Products on Social Media",
        slug="social-media-marketing-for-sellers",
        type=ResourceType.GUIDE,
        category="marketing",
        tags=("marketing", "social media", "instagram"),
        excerpt="A simple weekly routine for promoting your products without spending all day online.",
        content=_article(
            "<h2>Pick one or two channels</h2>",
            "<p>You do not need to be everywhere. Choose the platforms where your buyers already spend time: "
            "planners and wedding products do well on visual platforms, business templates on professional "
            "networks. Post consistently on those rather than occasionally on all of them.</p>",
            "<h2>A weekly routine</h2>",
            "<ul><li>Monday: show a problem your product solves.</li>"
            "<li>Wednesday: a short demo or before-and-after.</li>"
            "<li>Friday: a customer review or a result.</li></ul>",
            "<h2>Post when your audience is online</h2>",
            "<p>Check the best posting times in the marketing helpers. Evenings and weekends work for personal "
            "products; weekday mornings for business ones.</p>",
            "<h2>Always link back</h2>",
            "<p>Every post should make it easy to find the product: a link in the profile, a clear call to "
            "action, and the same product name as on the listing. Use UTM tags so you can see which posts bring "
            "visitors who buy.</p>",
            "<h2>Email is still the best channel</h2>",
            "<p>Followers come and go with the algorithm; an email list is yours. Offer a small free resource "
            "in exchange for an email address and send a short, useful email every week.</p>",
        ),
    ),
    DemoResource(
        title="Video: Improve a Listing in 10 Minutes",
        slug="video-improve-a-listing-in-10-minutes",
        type=ResourceType.VIDEO,
        category="listing",
        tags=("video", "listing", "quick wins"),
        excerpt="Watch a real listing go from a low health score to a strong one, step by step.",
        video_url="https://www.youtube.com/embed/dQw4w9WgXcQ",
        content=_article(
            "<h2>What you will see</h2>",
            "<p>In this walkthrough we take a listing with a short title, no images and a one-line description "
            "and improve it in ten minutes. You can follow along with one of your own listings open in another "
            "tab.</p>",
            "<h2>Chapters</h2>",
            "<ol><li>0:00 Reading the listing health score</li>"
            "<li>1:30 Rewriting the title with the main keyword first</li>"
            "<li>3:10 Adding a structured description</li>"
            "<li>5:45 Choosing a featured image and gallery</li>"
            "<li>7:20 Tags and SEO fields</li>"
            "<li>9:00 Checking the new score</li></ol>",
            "<h2>Key takeaways</h2>",
            "<ul><li>Fix the fields with the biggest weight first: title, description, images.</li>"
            "<li>Small changes add up: each missing field costs points and sales.</li>"
            "<li>Recheck your score after every edit.</li></ul>",
            "<p>After watching, open the Listing health page and pick your lowest-scoring published listing. "
            "It is usually the quickest win in your shop.</p>",
            "<p>Prefer reading? Every step in the video is also covered in the articles on titles, descriptions "
            "and listing photos in this library, with examples you can copy.</p>",
        ),
    ),
    DemoResource(
        title="From Zero to 500 Sales: Maya's Planner Shop",
        slug="success-story-maya-planner-shop",
        type=ResourceType.SUCCESS_STORY,
        category="growth",
        tags=("success story", "planners", "growth"),
        excerpt="How a part-time creator grew a planner shop by fixing listings and launching bundles.",
        content=_article(
            "<h2>The starting point</h2>",
            "<p>Maya opened her shop with six planners and sold almost nothing in the first month. Her listings "
            "had short titles, one image each and descriptions of two sentences. Views were low, and the few "
            "visitors rarely bought.</p>",
            "<h2>What she changed</h2>",
            "<ul><li>Rewrote every title to start with what the planner is for.</li>"
            "<li>Added four gallery images per listing showing the pages in use.</li>"
            "<li>Wrote descriptions with a clear list of every page.</li>"
            "<li>Raised prices to the category median once reviews came in.</li></ul>",
            "<h2>The results</h2>",
            "<p>Within three months her conversion rate doubled and views tripled. The January planning season "
            "brought her first month with more than 500 sales. She then launched a bundle of her three best "
            "sellers, which became her highest-earning product.</p>",
            "<h2>Her advice</h2>",
            "<p>'Treat every listing like a small landing page. I used to think the product spoke for itself, "
            "but buyers only see the listing. Once the listings were good, everything else got easier.'</p>",
        ),
    ),
    DemoResource(
        title="How a Slide-Deck Seller Doubled Revenue with Bundles",
        slug="success-story-bundles-doubled-revenue",
        type=ResourceType.SUCCESS_STORY,
        category="pricing",
        tags=("success story", "bundles", "pricing"),
        excerpt="Bundling related presentation templates raised the average order value and revenue.",
        content=_article(
            "<h2>The problem</h2>",
            "<p>Sam sold individual presentation templates at low prices. Sales were steady, but revenue did not "
            "grow: each buyer bought one deck and left.</p>",
            "<h2>The idea</h2>",
            "<p>Looking at his sales, Sam saw that buyers of a pitch deck often came back for a financial "
            "summary deck weeks later. He grouped related templates into three bundles and priced each bundle "
            "at about 60 percent of the separate prices.</p>",
            "<h2>What happened</h2>",
            "<ul><li>Average order value went up by 80 percent.</li>"
            "<li>Single-template sales stayed almost the same.</li>"
            "<li>Monthly revenue doubled within a quarter.</li></ul>",
            "<h2>Try it yourself</h2>",
            "<ol><li>Find products that are often bought by the same buyers.</li>"
            "<li>Create a bundle with a clear name and one shared cover image.</li>"
            "<li>Price it so that the saving is obvious but your revenue per buyer still grows.</li></ol>",
            "<p>Watch the first month closely: if single sales drop sharply, the bundle discount is too deep. "
            "Sam kept his at a 40 percent saving and never needed to change it.</p>",
        ),
    ),
    DemoResource(
        title="Understanding Your Conversion Funnel",
        slug="understanding-your-conversion-funnel",
        type=ResourceType.TUTORIAL,
        category="growth",
        tags=("analytics", "conversion", "funnel"),
        excerpt="Views, add-to-cart, checkout and purchase: what each drop-off tells you to fix.",
        content=_article(
            "<h2>The four steps</h2>",
            "<p>Every sale passes through the same steps: a buyer views the listing, adds it to the cart, starts "
            "the checkout and completes the purchase. Your Insights page shows how many buyers reach each step.</p>",
            "<h2>Reading the drop-offs</h2>",
            "<ul><li><strong>Few views:</strong> the listing is hard to find. Improve title, tags and SEO.</li>"
            "<li><strong>Views but few add-to-carts:</strong> the listing does not convince. Improve images, "
            "description and price.</li>"
            "<li><strong>Carts but few checkouts:</strong> doubt at the last moment. Add reviews, file details and "
            "a clear delivery note.</li></ul>",
            "<h2>What is normal</h2>",
            "<p>Most digital products convert between one and six percent of views into purchases. Listings "
            "with complete information sit at the top of that range.</p>",
            "<h2>Measure over weeks</h2>",
            "<p>Daily numbers are noisy, especially on weekends. Compare full weeks, and change one thing at a "
            "time so you know what worked.</p>",
            "<p>Seasons matter too: January and the weeks before the holidays bring more buyers for many "
            "categories, so compare a week with the same week of the previous year when you can.</p>",
        ),
    ),
    DemoResource(
        title="Finding Product Ideas in Failed Searches",
        slug="product-ideas-from-failed-searches",
        type=ResourceType.GUIDE,
        category="marketing",
        tags=("opportunities", "research", "searches"),
        excerpt="Searches with no results are buyers asking for products nobody sells yet.",
        is_published=False,
        content=_article(
            "<h2>Demand you can see</h2>",
            "<p>When a buyer searches and finds nothing, the marketplace records the search. The Market page "
            "groups these searches into opportunities, with how often they were searched and whether interest "
            "is rising.</p>",
            "<h2>How to pick an idea</h2>",
            "<ol><li>Prefer terms searched many times in the last month.</li>"
            "<li>Prefer terms close to what you already make: you know the buyers.</li>"
            "<li>Check that the idea fits a product type you can deliver well.</li></ol>",
            "<h2>Validate quickly</h2>",
            "<p>Make a small first version, publish it with a complete listing, and watch views and sales for "
            "two weeks. If buyers come, expand it into a full product or bundle.</p>",
            "<h2>Use the buyers' words</h2>",
            "<p>Put the exact search phrase in your title and tags. The buyers told you how they describe what "
            "they need; use the same words.</p>",
            "<p>Finally, keep an eye on the trend. A term that is rising this month is worth more than one that "
            "was popular last season and is now fading.</p>",
        ),
    ),
    DemoResource(
        title="Reviews and Ratings: Getting More of Them",
        slug="getting-more-reviews",
        type=ResourceType.BEST_PRACTICE,
        category="growth",
        tags=("reviews", "ratings", "trust"),
        excerpt="Simple ways to ask for reviews and use them to build trust on your listings.",
        is_published=False,
        content=_article(
            "<h2>Why reviews matter</h2>",
            "<p>Reviews are the strongest trust signal on a listing. Listings with ratings convert better, and "
            "many buyers filter search results by rating.</p>",
            "<h2>Ask at the right moment</h2>",
            "<ul><li>Include a friendly note in the download file asking for a review.</li>"
            "<li>Send a follow-up message a week after purchase, when the buyer has used the product.</li>"
            "<li>Make it easy: one sentence and a link.</li></ul>",
            "<h2>Answer every review</h2>",
            "<p>Thank buyers for positive reviews and answer critical ones calmly, with a fix if possible. Future "
            "buyers read the answers too, and a helpful reply can turn a complaint into a reason to buy.</p>",
            "<h2>Learn from them</h2>",
            "<p>Collect the questions and complaints that come up more than once, and answer them in the "
            "description. Each answered question removes a reason not to buy.</p>",
            "<p>Never offer discounts or gifts in exchange for positive reviews: it breaks the marketplace "
            "rules and buyers notice. Ask for honest feedback and let good work speak.</p>",
        ),
    ),
]
