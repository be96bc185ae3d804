/**
 * The demo data set: a small but realistic furniture-and-homeware shop.
 *
 * Why generate instead of shipping a fixture: 5,000 products with markdown
 * descriptions would be megabytes of JSON in the repository. A seeded
 * generator (see `random.ts`) gives the same data on every run, in every
 * process, in well under a second, and the numbers can be scaled at will.
 *
 * Why the indexes: the benchmark hammers the services at thousands of
 * requests per second, so every lookup a request needs (by id, by SKU, by
 * category including descendants, search keys, reviews by product newest
 * first, orders by user newest first) is computed here once. Entities that
 * never change (products, categories, users, reviews, orders) are frozen, so
 * the services may cache their JSON per object; a review that is replaced or
 * an order that is placed is a new object. Stock levels and rating summaries
 * are live, mutable objects. The frozen part is built once per seed and
 * process and shared; the live part (stock, reviews, ratings, orders) is
 * fresh for every `buildDemoData()` call, so instances never see each
 * other's writes. Writes through the services use the real clock, so they
 * are newer than every seeded timestamp (and come first when newest first).
 *
 * Guarantees tests may rely on (anything else may change with the generator):
 * - Products `p-0001`…`p-5000` (index i of `products` is `p-${i+1}` padded to
 *   4 digits), SKUs `SKU-000001`…`SKU-005000` in the same order. Every product
 *   has 1–4 images at `https://images.storefront.example/<id>/<n>.jpg` and a
 *   markdown description (headings, a list, bold). `createdAt` values are
 *   distinct and all before 2026-11-01, so "newest first" is a total order.
 *   Currency is EUR except products whose number is a multiple of 50 (GBP).
 * - 40 categories `c-001`…`c-040`: 8 roots (c-001, c-006, c-011, …, c-036),
 *   each followed by its 4 leaf children (c-001 → c-002…c-005). Products sit
 *   in leaf categories only; a root's listing holds its leaves' products.
 * - p-0001 is the "Brass Desk Lamp" in c-002 (a child of c-001), has 4 images,
 *   26 reviews and 120 units in stock. p-0002, p-0003 and p-0004 have 100,000
 *   units each. p-0005 is out of stock with a restockDate; p-0006 is out of
 *   stock with a null restockDate; p-0007 has no reviews. Other products of
 *   each of those kinds exist as well.
 * - The search "lamp" matches more than 40 products (case-insensitive).
 * - Every product has 20 recommendations: distinct, existing, never itself.
 * - Users `u-0001`…`u-1000`, emails `first.last@example.com` (unique).
 *   u-0001 has 15 orders, u-0002 has 3, u-0003 has none, and many others have
 *   none. Seeded orders use EUR products only; order ids `o-000001`… increase
 *   with placedAt.
 * - Reviews are written by existing users, at most one per user and product;
 *   rating summaries are computed from them (average rounded to 2 decimals).
 */

import type { DownstreamCategory, DownstreamImage, DownstreamOrder, DownstreamOrderLine, DownstreamProduct, DownstreamRatingSummary, DownstreamReview, DownstreamStockLevel, DownstreamUser, OrderStatus } from '../contract/payloads';
import { createRandom, type Random } from './random';

export const DEMO_SEED = 20261124;
export const DEMO_PRODUCT_COUNT = 5000;
export const DEMO_USER_COUNT = 1000;

export interface ProductFilter {
  categoryId?: string;
  /** Case-insensitive substring of name or brand; blank means no filter. */
  q?: string;
}

export interface DemoData {
  readonly seed: number;
  /** All products in id order: index i holds p-(i+1). */
  readonly products: readonly Readonly<DownstreamProduct>[];
  readonly productsById: ReadonlyMap<string, Readonly<DownstreamProduct>>;
  readonly productsBySku: ReadonlyMap<string, Readonly<DownstreamProduct>>;
  /** All products, newest `createdAt` first. */
  readonly productsNewestFirst: readonly Readonly<DownstreamProduct>[];
  /** Roots first, each followed by its children (c-001, c-002, …). */
  readonly categories: readonly Readonly<DownstreamCategory>[];
  readonly categoriesById: ReadonlyMap<string, Readonly<DownstreamCategory>>;
  /** Category id → products in it or any descendant, newest first (all 40 categories present). */
  readonly productsByCategory: ReadonlyMap<string, readonly Readonly<DownstreamProduct>[]>;
  /** SKU → live stock level; placing an order decrements `available`. */
  readonly stockBySku: Map<string, DownstreamStockLevel>;
  /** Product id → reviews newest first (every product present, maybe empty). Live. */
  readonly reviewsByProduct: Map<string, Readonly<DownstreamReview>[]>;
  /** `${authorId} ${productId}` → that user's review of that product. Live. */
  readonly reviewsByAuthorAndProduct: Map<string, Readonly<DownstreamReview>>;
  /** Product id → live rating summary (every product present). */
  readonly ratingsByProduct: Map<string, DownstreamRatingSummary>;
  readonly users: readonly Readonly<DownstreamUser>[];
  readonly usersById: ReadonlyMap<string, Readonly<DownstreamUser>>;
  /** User id → orders newest first (every user present, maybe empty). Live. */
  readonly ordersByUser: Map<string, Readonly<DownstreamOrder>[]>;
  readonly ordersById: Map<string, Readonly<DownstreamOrder>>;
  /** Product id → related product ids, best first (20 each). */
  readonly recommendationsByProduct: ReadonlyMap<string, readonly string[]>;
  /** Last number handed out for review ids (r-000123) and order ids (o-000123). */
  readonly sequences: { review: number; order: number };
  /**
   * The whole listing `GET /products` pages through for a filter, newest
   * first. Results are cached (products never change), so treat them as
   * read-only. An unknown category gives an empty list.
   */
  listProducts(filter?: ProductFilter): readonly Readonly<DownstreamProduct>[];
  /** Recomputes a product's rating summary from its reviews (after a write). */
  refreshRating(productId: string): DownstreamRatingSummary;
}

// ---------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------

interface LeafSpec {
  name: string;
  nouns: readonly string[];
  /** Price range in whole euros. */
  price: readonly [number, number];
}
interface RootSpec {
  name: string;
  children: readonly [LeafSpec, LeafSpec, LeafSpec, LeafSpec];
}

const CATEGORY_TREE: readonly RootSpec[] = [
  {
    name: 'Lighting',
    children: [
      { name: 'Desk Lamps', nouns: ['Desk Lamp', 'Task Lamp', 'Reading Lamp'], price: [29, 189] },
      { name: 'Floor Lamps', nouns: ['Floor Lamp', 'Arc Lamp', 'Tripod Lamp'], price: [59, 449] },
      { name: 'Pendant Lights', nouns: ['Pendant Light', 'Globe Pendant', 'Ceiling Pendant'], price: [39, 399] },
      { name: 'Wall Lights', nouns: ['Wall Sconce', 'Wall Light', 'Picture Light'], price: [25, 229] },
    ],
  },
  {
    name: 'Furniture',
    children: [
      { name: 'Chairs', nouns: ['Dining Chair', 'Lounge Chair', 'Bar Stool'], price: [49, 699] },
      { name: 'Tables', nouns: ['Coffee Table', 'Side Table', 'Dining Table'], price: [79, 1499] },
      { name: 'Shelving', nouns: ['Bookshelf', 'Wall Shelf', 'Storage Rack'], price: [35, 899] },
      { name: 'Sofas', nouns: ['Sofa', 'Loveseat', 'Daybed'], price: [399, 2999] },
    ],
  },
  {
    name: 'Kitchen',
    children: [
      { name: 'Cookware', nouns: ['Frying Pan', 'Saucepan', 'Dutch Oven'], price: [19, 249] },
      { name: 'Tableware', nouns: ['Dinner Plate Set', 'Serving Bowl', 'Mug'], price: [9, 129] },
      { name: 'Kitchen Knives', nouns: ["Chef's Knife", 'Bread Knife', 'Paring Knife'], price: [15, 219] },
      { name: 'Kitchen Storage', nouns: ['Storage Jar', 'Spice Rack', 'Bread Bin'], price: [8, 89] },
    ],
  },
  {
    name: 'Textiles',
    children: [
      { name: 'Bedding', nouns: ['Duvet Cover', 'Pillowcase Pair', 'Bedspread'], price: [25, 249] },
      { name: 'Rugs', nouns: ['Area Rug', 'Runner Rug', 'Round Rug'], price: [49, 899] },
      { name: 'Curtains', nouns: ['Curtain Panel', 'Blackout Curtain', 'Sheer Curtain'], price: [19, 179] },
      { name: 'Cushions', nouns: ['Cushion', 'Throw Pillow', 'Floor Cushion'], price: [12, 99] },
    ],
  },
  {
    name: 'Decor',
    children: [
      { name: 'Vases', nouns: ['Vase', 'Bud Vase', 'Floor Vase'], price: [12, 189] },
      { name: 'Mirrors', nouns: ['Wall Mirror', 'Floor Mirror', 'Vanity Mirror'], price: [29, 499] },
      { name: 'Clocks', nouns: ['Wall Clock', 'Desk Clock', 'Alarm Clock'], price: [19, 249] },
      { name: 'Candles', nouns: ['Scented Candle', 'Candle Holder', 'Lantern'], price: [9, 89] },
    ],
  },
  {
    name: 'Outdoor',
    children: [
      { name: 'Garden Furniture', nouns: ['Garden Chair', 'Patio Table', 'Hammock'], price: [49, 999] },
      { name: 'Planters', nouns: ['Planter', 'Window Box', 'Hanging Planter'], price: [12, 249] },
      { name: 'Outdoor Lighting', nouns: ['Garden Lamp', 'String Lights', 'Solar Lamp'], price: [15, 199] },
      { name: 'Grills', nouns: ['Charcoal Grill', 'Gas Grill', 'Grill Tool Set'], price: [29, 899] },
    ],
  },
  {
    name: 'Office',
    children: [
      { name: 'Desks', nouns: ['Standing Desk', 'Writing Desk', 'Corner Desk'], price: [149, 1299] },
      { name: 'Office Chairs', nouns: ['Office Chair', 'Task Chair', 'Ergonomic Chair'], price: [99, 999] },
      { name: 'Desk Organizers', nouns: ['Desk Organizer', 'File Box', 'Letter Tray'], price: [9, 79] },
      { name: 'Stationery', nouns: ['Notebook', 'Pen Set', 'Desk Pad'], price: [5, 69] },
    ],
  },
  {
    name: 'Bath',
    children: [
      { name: 'Towels', nouns: ['Bath Towel', 'Hand Towel', 'Bath Sheet'], price: [9, 79] },
      { name: 'Bath Mats', nouns: ['Bath Mat', 'Shower Mat', 'Bath Rug'], price: [12, 69] },
      { name: 'Bath Accessories', nouns: ['Soap Dispenser', 'Toothbrush Holder', 'Towel Ring'], price: [8, 59] },
      { name: 'Shower', nouns: ['Shower Curtain', 'Shower Caddy', 'Rain Shower Head'], price: [15, 249] },
    ],
  },
];

const MATERIALS = [
  'Brass', 'Oak', 'Walnut', 'Linen', 'Ceramic', 'Marble', 'Copper', 'Matte Black',
  'Stoneware', 'Rattan', 'Velvet', 'Steel', 'Ash', 'Terracotta', 'Smoked Glass',
  'Bamboo', 'Wool', 'Cotton', 'Teak', 'Concrete', 'Birch', 'Porcelain', 'Jute', 'Chrome',
] as const;

const NAME_SUFFIXES = ['Mini', 'XL', 'II', 'Classic', 'Pro', 'Duo', 'Slim', 'Grande'] as const;

const BRANDS = [
  'Nordvik', 'Larkspur', 'Alder & Co.', 'Ember House', 'Fernway', 'Halden', 'Juniper Works',
  'Kestrel', 'Marlow Home', 'Oakhurst', 'Pellan', 'Quarry Studio', 'Rowan & Reed', 'Selby',
  'Tovi', 'Umber', 'Verano', 'Wexford', 'Yarrow', 'Zeller', 'Brightwater', 'Copperfield',
] as const;

const INTRO_SENTENCES = [
  'The {name} brings quiet, considered design to everyday life.',
  'Made by {brand}, the {name} pairs honest {material} with clean lines.',
  'Built to be used for years, this {noun} works as hard as it looks.',
  'We asked {brand} to design the {noun} we always wanted, one that feels at home in any room.',
  'Its {material} finish ages gracefully and picks up a little character over time.',
  'Compact enough for a small flat, generous enough for a family home.',
  'Every piece is checked by hand before it leaves the workshop.',
  'Part of our {category} range, chosen for durability as much as for looks.',
  'Simple to set up, easy to live with, and made to be repaired rather than replaced.',
  'The proportions were refined over several prototypes until nothing felt superfluous.',
] as const;

const WHY_SENTENCES = [
  'It does one job and does it well.',
  'Customers tell us it looks even better in person than in the photos.',
  'The details are what make it: rounded edges, tidy joints and a finish that feels good to the touch.',
  'It mixes easily with older pieces, so it never looks out of place.',
  '{brand} sources its {material} from suppliers it has worked with for decades.',
  'We have used one in our own studio for over a year and it still looks new.',
  'Spare parts are available for ten years after purchase.',
  'It is packed in recycled cardboard with no plastic filler.',
  'The {material} is left largely untreated, so small variations in colour and grain are part of the charm.',
  'It arrives fully assembled or with every tool you need, depending on size.',
] as const;

const GOOD_TO_KNOW = [
  'Colours may vary slightly from the photos depending on your screen.',
  'Because each piece is finished by hand, no two are exactly alike.',
  'Pair it with other pieces from the {brand} collection for a consistent look.',
  'Keep it out of direct sunlight to preserve the finish.',
  'Suitable for rooms with normal humidity; not for use outdoors unless stated.',
  'Measurements are approximate and may differ by up to two centimetres.',
] as const;

const DELIVERY =
  'Delivered to your door within 3–5 working days. Larger items are delivered by appointment to the room of your choice. ' +
  'Not quite right? Return it within 30 days in its original packaging for a full refund; we collect larger items free of charge.';

const FINISHES = ['natural oil', 'matte lacquer', 'brushed', 'hand-glazed', 'powder-coated', 'waxed', 'satin'] as const;
const ORIGINS = ['Portugal', 'Denmark', 'Italy', 'Poland', 'Lithuania', 'Japan', 'Spain', 'Sweden'] as const;
const CARE_BY_ROOT: Record<string, readonly string[]> = {
  Lighting: ['Dust with a dry cloth; unplug before cleaning.', 'Use LED bulbs up to 8 W (E27).', 'Tighten the shade screw gently by hand.'],
  Furniture: ['Wipe clean with a soft, damp cloth.', 'Re-oil once a year to keep the surface protected.', 'Use felt pads to protect your floors.'],
  Kitchen: ['Dishwasher safe; not suitable for the microwave.', 'Hand wash to keep the finish at its best.', 'Dry immediately after washing.'],
  Textiles: ['Machine washable at 40 °C; tumble dry low.', 'Wash with similar colours.', 'Air out regularly; vacuum rugs on a low setting.'],
  Decor: ['Wipe clean with a soft, damp cloth.', 'Avoid harsh detergents and abrasive sponges.', 'Trim candle wicks to 5 mm before lighting.'],
  Outdoor: ['Cover or store indoors over winter.', 'Clean with mild soapy water.', 'Treat wooden parts with outdoor oil every spring.'],
  Office: ['Wipe clean with a soft, damp cloth.', 'Check screws and fittings every few months.', 'Avoid abrasive cleaners on the desktop.'],
  Bath: ['Machine washable at 60 °C.', 'Rinse with clean water and let dry.', 'Descale the shower head every three months.'],
};
const IN_THE_BOX = ['mounting hardware', 'a fabric dust bag', 'a care card', 'spare felt pads', 'an assembly guide', 'a two-year warranty card'] as const;

const IMAGE_SIZES: readonly (readonly [number, number])[] = [
  [1600, 1200], [1200, 1600], [2000, 2000], [1600, 1067], [2400, 1600], [1080, 1350],
];
const IMAGE_VIEWS = ['front view', 'side view', 'detail of the finish', 'styled in a living room'] as const;

const FIRST_NAMES = [
  'Anna', 'Ben', 'Clara', 'David', 'Elena', 'Felix', 'Greta', 'Hugo', 'Ines', 'Jonas',
  'Katja', 'Lukas', 'Maria', 'Noah', 'Olivia', 'Paul', 'Rosa', 'Samuel', 'Tessa', 'Umar',
  'Vera', 'William', 'Yara', 'Zoë', 'José', 'Chloé', 'Mila', 'Leon', 'Sofia', 'Emil',
  'Hanna', 'Oskar', 'Lea', 'Matteo', 'Nora', 'Aiko', 'Priya', 'Kwame', 'Lina', 'Theo',
] as const;
const LAST_NAMES = [
  'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Hansen', 'Ivanova', 'Jensen', 'Kowalski',
  'Lindqvist', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Ulrich',
  'Varga', 'Weber', 'Xu', 'Young', 'Zimmermann', 'Müller', 'Silva', 'Nakamura', 'Larsen', 'Ortega',
  'Bauer', 'Horvath', 'Kim', 'Patel', 'Mensah', 'Andersson', 'Romano', 'Keller', 'Dahl', 'Vos',
] as const;

const REVIEW_TITLES: Record<number, readonly string[]> = {
  1: ['Disappointed', 'Not as described', 'Broke within a month', 'Would not buy again'],
  2: ['Not great', 'Looks cheaper in person', 'Mixed feelings', 'Okay at best'],
  3: ['Decent', 'Does the job', 'Fine for the price', 'Good, not great'],
  4: ['Really nice', 'Very happy with it', 'Good quality', 'Almost perfect'],
  5: ['Love it', 'Exactly as described', 'Great value', 'Beautiful piece', 'Perfect'],
};
const REVIEW_SENTENCES: Record<number, readonly string[]> = {
  1: ['The finish was scratched out of the box.', 'Customer service took weeks to reply.', 'It wobbles no matter what I do.', 'The colour is nothing like the photos.'],
  2: ['Assembly instructions were confusing.', 'It feels lighter than I expected.', 'Delivery was late and the box was damaged.', 'Works, but I expected more at this price.'],
  3: ['It does what it should.', 'Assembly took about twenty minutes.', 'The material feels solid enough.', 'Delivery was quick.'],
  4: ['The quality is better than I expected.', 'Looks great in our living room.', 'Easy to assemble on my own.', 'One small scratch, otherwise very good.'],
  5: ['Absolutely love it, it looks even better in person.', 'Solid, well made and beautifully finished.', 'We bought a second one for the bedroom.', 'Arrived quickly and well packed.', 'Worth every cent.'],
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

// Globals captured once: under jest's vm sandbox every global lookup is slow,
// and building the data makes hundreds of thousands of these calls.
const { floor, round, min, max, imul } = Math;
const { freeze } = Object;
const NativeDate = Date;

const DAY_MS = 86_400_000;
const PRODUCT_EPOCH = NativeDate.UTC(2023, 0, 1);
const PRODUCT_SLOT_MS = 5 * 3_600_000; // 5,000 slots of 5 h: Jan 2023 … Nov 2025
const SEED_END = NativeDate.UTC(2026, 9, 31, 12); // all seeded timestamps are before this
const RECENT_ORDER_MS = 14 * DAY_MS;

const pad = (n: number, width: number): string => `${n}`.padStart(width, '0');
export const productIdOf = (n: number): string => `p-${pad(n, 4)}`;
export const userIdOf = (n: number): string => `u-${pad(n, 4)}`;
export const categoryIdOf = (n: number): string => `c-${pad(n, 3)}`;
export const reviewIdOf = (n: number): string => `r-${pad(n, 6)}`;
export const orderIdOf = (n: number): string => `o-${pad(n, 6)}`;

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));

/**
 * `new Date(ms).toISOString()` for years 1000–9999 without allocating a Date
 * (the seed formats ~25,000 timestamps). Days → civil date after Howard
 * Hinnant's `civil_from_days`.
 */
export function isoTimestamp(ms: number): string {
  const days = floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = floor((doe - floor(doe / 1460) + floor(doe / 36_524) - floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100));
  const mp = floor((5 * doy + 2) / 153);
  const day = doy - floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hours = floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = floor(rest / 60_000);
  rest -= minutes * 60_000;
  const secs = floor(rest / 1000);
  const millis = rest - secs * 1000;
  const two = TWO_DIGITS;
  return `${year}-${two[month]}-${two[day]}T${two[hours]}:${two[minutes]}:${two[secs]}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
const iso = isoTimestamp;
const isoDate = (ms: number): string => isoTimestamp(ms).slice(0, 10);
const seconds = (ms: number): number => floor(ms / 1000) * 1000;

function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const compiledTemplates = new Map<string, string[]>();

/** Fills `{name}` placeholders; templates are split once (even parts literal, odd parts names). */
function fill(template: string, vars: Record<string, string>): string {
  let parts = compiledTemplates.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    compiledTemplates.set(template, parts);
  }
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) out += (vars[parts[i] as string] ?? '') + (parts[i + 1] as string);
  return out;
}

function roundAverage(sum: number, count: number): number | null {
  return count === 0 ? null : round((sum / count) * 100) / 100;
}

function deepFreezeProduct(p: DownstreamProduct): Readonly<DownstreamProduct> {
  for (const image of p.images) freeze(image);
  freeze(p.images);
  return freeze(p);
}

function freezeOrder(o: DownstreamOrder): Readonly<DownstreamOrder> {
  for (const line of o.lines) freeze(line);
  freeze(o.lines);
  return freeze(o);
}

/** Newest first; ties (never in the seed) broken by id, descending. */
export function newestFirst<T extends { id: string }>(at: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = at(a);
    const y = at(b);
    if (x !== y) return x < y ? 1 : -1;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  };
}

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

interface Leaf {
  category: Readonly<DownstreamCategory>;
  root: Readonly<DownstreamCategory>;
  spec: LeafSpec;
}

function buildCategories(): { categories: Readonly<DownstreamCategory>[]; leaves: Leaf[] } {
  const categories: Readonly<DownstreamCategory>[] = [];
  const leaves: Leaf[] = [];
  let n = 0;
  for (const rootSpec of CATEGORY_TREE) {
    const root = freeze({ id: categoryIdOf(++n), slug: slugify(rootSpec.name), name: rootSpec.name, parentId: null });
    categories.push(root);
    for (const spec of rootSpec.children) {
      const category = freeze({ id: categoryIdOf(++n), slug: slugify(spec.name), name: spec.name, parentId: root.id });
      categories.push(category);
      leaves.push({ category, root, spec });
    }
  }
  return { categories, leaves };
}

function buildDescription(rnd: Random, name: string, brand: string, material: string, noun: string, leaf: Leaf): string {
  const vars = { name, brand, material: material.toLowerCase(), noun: noun.toLowerCase(), category: leaf.category.name.toLowerCase() };
  const parts: string[] = [`## ${name}`, ''];
  const intro = rnd.shuffled(INTRO_SENTENCES).slice(0, rnd.int(1, 3));
  parts.push(intro.map((s) => fill(s, vars)).join(' '), '', '### Highlights', '');
  const w = rnd.int(10, 220);
  const h = rnd.int(5, 200);
  const d = rnd.int(5, 120);
  const bullets = [
    `- **Material:** ${material}`,
    `- **Finish:** ${rnd.pick(FINISHES)}`,
    `- **Dimensions:** ${w} × ${h} × ${d} cm`,
    `- **Weight:** ${(rnd.int(2, 400) / 10).toFixed(1)} kg`,
    `- **Warranty:** ${rnd.int(2, 10)} years`,
    `- **Made in:** ${rnd.pick(ORIGINS)}`,
  ];
  parts.push(...bullets.slice(0, rnd.int(3, bullets.length)));
  if (rnd.chance(0.7)) {
    const why = rnd.shuffled(WHY_SENTENCES).slice(0, rnd.int(2, 7));
    parts.push('', '### Why we like it', '', why.map((s) => fill(s, vars)).join(' '));
  }
  if (rnd.chance(0.5)) {
    const box = rnd.shuffled(IN_THE_BOX).slice(0, rnd.int(1, 3));
    parts.push('', '### In the box', '', `- 1 × ${name}`, ...box.map((item) => `- ${item}`));
  }
  if (rnd.chance(0.5)) {
    const notes = rnd.shuffled(GOOD_TO_KNOW).slice(0, rnd.int(2, 4));
    parts.push('', '### Good to know', '', notes.map((s) => fill(s, vars)).join(' '));
  }
  parts.push('', '### Care', '', rnd.shuffled(CARE_BY_ROOT[leaf.root.name] ?? []).slice(0, rnd.int(1, 2)).join(' '));
  if (rnd.chance(0.4)) parts.push('', '### Delivery & returns', '', DELIVERY);
  if (rnd.chance(0.4)) parts.push('', `*Designed by ${brand}.*`);
  return parts.join('\n');
}

function buildProducts(rnd: Random, leaves: Leaf[]): { products: Readonly<DownstreamProduct>[]; leafOf: Leaf[] } {
  const products: Readonly<DownstreamProduct>[] = [];
  const leafOf: Leaf[] = [];
  const slots = rnd.shuffled(Array.from({ length: DEMO_PRODUCT_COUNT }, (_, i) => i));
  for (let i = 0; i < DEMO_PRODUCT_COUNT; i++) {
    const n = i + 1;
    const id = productIdOf(n);
    const leaf = leaves[i % leaves.length] as Leaf;
    const noun = n === 1 ? 'Desk Lamp' : rnd.pick(leaf.spec.nouns);
    const material = n === 1 ? 'Brass' : rnd.pick(MATERIALS);
    const suffix = n !== 1 && rnd.chance(0.3) ? ` ${rnd.pick(NAME_SUFFIXES)}` : '';
    const name = `${material} ${noun}${suffix}`;
    const brand = rnd.pick(BRANDS);
    const [minPrice, maxPrice] = leaf.spec.price;
    const euros = rnd.int(minPrice, maxPrice);
    const priceCents = rnd.chance(0.8) ? euros * 100 - 1 : euros * 100 + rnd.pick([0, 50]);
    const imageCount = n === 1 ? 4 : rnd.int(1, 4);
    const images: DownstreamImage[] = [];
    for (let k = 1; k <= imageCount; k++) {
      const [width, height] = rnd.pick(IMAGE_SIZES);
      images.push({
        id: `${id}-img-${k}`,
        url: `https://images.storefront.example/${id}/${k}.jpg`,
        width,
        height,
        alt: `${name}, ${IMAGE_VIEWS[k - 1]}`,
      });
    }
    const createdMs = PRODUCT_EPOCH + (slots[i] as number) * PRODUCT_SLOT_MS + rnd.int(0, PRODUCT_SLOT_MS / 1000 - 1) * 1000;
    products.push(
      deepFreezeProduct({
        id,
        sku: `SKU-${pad(n, 6)}`,
        name,
        brand,
        description: buildDescription(rnd, name, brand, material, noun, leaf),
        categoryId: leaf.category.id,
        priceCents,
        currency: n % 50 === 0 ? 'GBP' : 'EUR',
        images,
        createdAt: iso(createdMs),
      }),
    );
    leafOf.push(leaf);
  }
  return { products, leafOf };
}

function buildStock(rnd: Random, products: readonly Readonly<DownstreamProduct>[]): Map<string, DownstreamStockLevel> {
  const restockBase = NativeDate.UTC(2027, 0, 4);
  const stock = new Map<string, DownstreamStockLevel>();
  for (let i = 0; i < products.length; i++) {
    const n = i + 1;
    const sku = (products[i] as DownstreamProduct).sku;
    let available: number;
    let restockDate: string | null = null;
    const r = rnd.next();
    if (n === 1) available = 120;
    else if (n >= 2 && n <= 4) available = 100_000;
    else if (n === 5 || (n > 7 && r < 0.05)) {
      available = 0;
      restockDate = isoDate(restockBase + rnd.int(0, 90) * DAY_MS);
    } else if (n === 6 || (n > 7 && r < 0.08)) available = 0;
    else if (r < 0.2) available = rnd.int(1, 5);
    else available = rnd.int(6, 250);
    stock.set(sku, { sku, available, restockDate });
  }
  return stock;
}

function buildUsers(rnd: Random): Readonly<DownstreamUser>[] {
  const users: Readonly<DownstreamUser>[] = [];
  const emailCounts = new Map<string, number>();
  const memberFrom = NativeDate.UTC(2016, 0, 1);
  const memberTo = NativeDate.UTC(2026, 5, 30);
  for (let n = 1; n <= DEMO_USER_COUNT; n++) {
    const id = userIdOf(n);
    const first = rnd.pick(FIRST_NAMES);
    const last = rnd.pick(LAST_NAMES);
    const local = `${slugify(first)}.${slugify(last)}`;
    const seen = (emailCounts.get(local) ?? 0) + 1;
    emailCounts.set(local, seen);
    const memberMs = n === 1 ? NativeDate.UTC(2017, 2, 14) : memberFrom + rnd.int(0, (memberTo - memberFrom) / DAY_MS) * DAY_MS;
    users.push(
      freeze({
        id,
        displayName: `${first} ${last}`,
        email: `${local}${seen > 1 ? seen : ''}@example.com`,
        avatarUrl: `https://images.storefront.example/avatars/${id}.jpg`,
        memberSince: isoDate(memberMs),
      }),
    );
  }
  return users;
}

function buildReviews(
  rnd: Random,
  products: readonly Readonly<DownstreamProduct>[],
): { reviewsByProduct: Map<string, Readonly<DownstreamReview>[]>; count: number } {
  const reviewsByProduct = new Map<string, Readonly<DownstreamReview>[]>();
  let count = 0;
  for (let i = 0; i < products.length; i++) {
    const n = i + 1;
    const product = products[i] as DownstreamProduct;
    let howMany: number;
    if (n === 1) howMany = 26;
    else if (n === 7 || rnd.chance(0.04)) howMany = 0;
    else howMany = rnd.int(1, 4) + (rnd.chance(0.25) ? rnd.int(0, 12) : 0);
    const quality = 2.6 + rnd.next() * 2.4;
    const from = NativeDate.parse(product.createdAt) + DAY_MS;
    const authors = new Set<number>();
    const list: Readonly<DownstreamReview>[] = [];
    while (list.length < howMany) {
      const author = rnd.int(1, DEMO_USER_COUNT);
      if (authors.has(author)) continue;
      authors.add(author);
      const rating = min(5, max(1, round(quality + (rnd.next() - 0.5) * 2.5)));
      const sentences = rnd.shuffled(REVIEW_SENTENCES[rating] as readonly string[]).slice(0, rnd.int(1, 3));
      list.push(
        freeze({
          id: reviewIdOf(++count),
          productId: product.id,
          authorId: userIdOf(author),
          rating,
          title: rnd.pick(REVIEW_TITLES[rating] as readonly string[]),
          body: sentences.join(' '),
          createdAt: iso(seconds(from + rnd.next() * (SEED_END - from))),
        }),
      );
    }
    list.sort(newestFirst((r) => r.createdAt));
    reviewsByProduct.set(product.id, list);
  }
  return { reviewsByProduct, count };
}

function buildOrders(
  rnd: Random,
  products: readonly Readonly<DownstreamProduct>[],
  users: readonly Readonly<DownstreamUser>[],
): Readonly<DownstreamOrder>[] {
  const eurProducts = products.filter((p) => p.currency === 'EUR');
  const createdMs = eurProducts.map((p) => NativeDate.parse(p.createdAt));
  const drafts: Omit<DownstreamOrder, 'id'>[] = [];
  const earliest = NativeDate.UTC(2023, 5, 1);
  for (let u = 0; u < users.length; u++) {
    const n = u + 1;
    const user = users[u] as DownstreamUser;
    const howMany = n === 1 ? 15 : n === 2 ? 3 : n === 3 ? 0 : rnd.chance(0.35) ? 0 : rnd.int(1, 6);
    const from = max(earliest, NativeDate.parse(user.memberSince));
    for (let k = 0; k < howMany; k++) {
      const placedMs = seconds(from + rnd.next() * (SEED_END - from));
      const lineCount = rnd.int(1, 4);
      const lines: DownstreamOrderLine[] = [];
      for (let attempt = 0; lines.length < lineCount && attempt < 40; attempt++) {
        const index = rnd.int(0, eurProducts.length - 1);
        const p = eurProducts[index] as DownstreamProduct;
        // Prefer products that existed when the order was placed.
        if ((attempt < 30 && (createdMs[index] as number) > placedMs) || lines.some((l) => l.productId === p.id)) continue;
        const quantity = rnd.chance(0.7) ? 1 : rnd.int(2, 3);
        lines.push({ productId: p.id, sku: p.sku, quantity, unitPriceCents: p.priceCents });
      }
      let status: OrderStatus;
      if (SEED_END - placedMs < RECENT_ORDER_MS) status = rnd.chance(0.5) ? 'PLACED' : 'SHIPPED';
      else status = rnd.chance(0.08) ? 'CANCELLED' : 'DELIVERED';
      drafts.push({
        userId: user.id,
        status,
        lines,
        totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
        currency: 'EUR',
        placedAt: iso(placedMs),
      });
    }
  }
  drafts.sort((a, b) => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : a.userId < b.userId ? -1 : 1));
  return drafts.map((d, i) => freezeOrder({ id: orderIdOf(i + 1), ...d }));
}

function buildRecommendations(
  rnd: Random,
  products: readonly Readonly<DownstreamProduct>[],
  leafOf: readonly Leaf[],
  byCategory: ReadonlyMap<string, readonly Readonly<DownstreamProduct>[]>,
): Map<string, readonly string[]> {
  const recommendations = new Map<string, readonly string[]>();
  for (let i = 0; i < products.length; i++) {
    const product = products[i] as DownstreamProduct;
    const leaf = leafOf[i] as Leaf;
    const out: string[] = [];
    // 12 from the same leaf category, then from its siblings, best first.
    const take = (pool: readonly Readonly<DownstreamProduct>[], until: number): void => {
      for (let attempt = 0; out.length < until && attempt < until * 20; attempt++) {
        const candidate = rnd.pick(pool).id;
        if (candidate !== product.id && !out.includes(candidate)) out.push(candidate);
      }
    };
    take(byCategory.get(leaf.category.id) ?? [], 12);
    take(byCategory.get(leaf.root.id) ?? [], 20);
    take(products, 20);
    recommendations.set(product.id, freeze(out));
  }
  return recommendations;
}

// ---------------------------------------------------------------------------
// The data set: an immutable part shared per seed, a live part per instance
// ---------------------------------------------------------------------------

const LISTING_CACHE_MAX = 512;

/** Everything that never changes, built once per seed and process. All frozen. */
interface Pristine {
  seed: number;
  products: readonly Readonly<DownstreamProduct>[];
  productsById: ReadonlyMap<string, Readonly<DownstreamProduct>>;
  productsBySku: ReadonlyMap<string, Readonly<DownstreamProduct>>;
  productsNewestFirst: readonly Readonly<DownstreamProduct>[];
  categories: readonly Readonly<DownstreamCategory>[];
  categoriesById: ReadonlyMap<string, Readonly<DownstreamCategory>>;
  productsByCategory: ReadonlyMap<string, readonly Readonly<DownstreamProduct>[]>;
  users: readonly Readonly<DownstreamUser>[];
  usersById: ReadonlyMap<string, Readonly<DownstreamUser>>;
  recommendationsByProduct: ReadonlyMap<string, readonly string[]>;
  listProducts(filter?: ProductFilter): readonly Readonly<DownstreamProduct>[];
  // The seeded starting point of the live part:
  stock: readonly Readonly<DownstreamStockLevel>[];
  reviewsByProduct: ReadonlyMap<string, readonly Readonly<DownstreamReview>[]>;
  reviewCount: number;
  ordersByUser: ReadonlyMap<string, readonly Readonly<DownstreamOrder>[]>;
  orderCount: number;
}

function buildPristine(seed: number): Pristine {
  // One generator per concern, so that changing one builder does not shift
  // the random stream (and thus the data) of all the others.
  const stream = (salt: number): Random => createRandom((seed ^ imul(salt, 0x9e3779b1)) >>> 0);

  const { categories, leaves } = buildCategories();
  const categoriesById = new Map(categories.map((c) => [c.id, c] as const));
  const { products, leafOf } = buildProducts(stream(1), leaves);
  const productsById = new Map(products.map((p) => [p.id, p] as const));
  const productsBySku = new Map(products.map((p) => [p.sku, p] as const));
  const productsNewestFirst = products.slice().sort(newestFirst((p) => p.createdAt));

  const productsByCategory = new Map<string, Readonly<DownstreamProduct>[]>(categories.map((c) => [c.id, []]));
  for (const p of productsNewestFirst) {
    // Walk up the tree so that every ancestor lists the product too.
    for (let c = categoriesById.get(p.categoryId); c; c = c.parentId ? categoriesById.get(c.parentId) : undefined) {
      productsByCategory.get(c.id)?.push(p);
    }
  }

  // Search matches a lowercased substring of the name or the brand; the NUL
  // separator keeps a query from matching across the two.
  const searchKeys = new Map<Readonly<DownstreamProduct>, string>();
  for (const p of products) searchKeys.set(p, `${p.name}\u0000${p.brand}`.toLowerCase());
  const listingCache = new Map<string, readonly Readonly<DownstreamProduct>[]>();
  const listProducts = (filter: ProductFilter = {}): readonly Readonly<DownstreamProduct>[] => {
    const base = filter.categoryId === undefined ? productsNewestFirst : (productsByCategory.get(filter.categoryId) ?? []);
    const q = (filter.q ?? '').trim().toLowerCase();
    if (q === '') return base;
    const key = `${filter.categoryId ?? ''}\u0000${q}`;
    const hit = listingCache.get(key);
    if (hit) {
      listingCache.delete(key); // re-insert: the Map's order is the LRU order
      listingCache.set(key, hit);
      return hit;
    }
    const result = freeze(base.filter((p) => (searchKeys.get(p) as string).includes(q)));
    if (listingCache.size >= LISTING_CACHE_MAX) listingCache.delete(listingCache.keys().next().value as string);
    listingCache.set(key, result);
    return result;
  };

  const stock = [...buildStock(stream(2), products).values()].map((s) => freeze(s));
  const users = buildUsers(stream(3));
  const { reviewsByProduct, count: reviewCount } = buildReviews(stream(4), products);
  const orders = buildOrders(stream(5), products, users);
  const ordersByUser = new Map<string, Readonly<DownstreamOrder>[]>(users.map((u) => [u.id, []]));
  for (let i = orders.length - 1; i >= 0; i--) {
    const order = orders[i] as Readonly<DownstreamOrder>;
    ordersByUser.get(order.userId)?.push(order); // newest first
  }

  return {
    seed,
    products,
    productsById,
    productsBySku,
    productsNewestFirst,
    categories,
    categoriesById,
    productsByCategory,
    users,
    usersById: new Map(users.map((u) => [u.id, u] as const)),
    recommendationsByProduct: buildRecommendations(stream(6), products, leafOf, productsByCategory),
    listProducts,
    stock,
    reviewsByProduct,
    reviewCount,
    ordersByUser,
    orderCount: orders.length,
  };
}

const pristineBySeed = new Map<number, Pristine>();

export interface BuildDemoDataOptions {
  /**
   * Reuse this process's immutable part for the seed (default true). The
   * live part is always fresh; `false` rebuilds everything (slower), e.g.
   * to prove determinism.
   */
  reuse?: boolean;
}

/**
 * A data set of its own: writes to one (stock, reviews, orders) are never
 * seen by another. Same seed, same data.
 */
export function buildDemoData(seed: number = DEMO_SEED, options: BuildDemoDataOptions = {}): DemoData {
  let pristine = options.reuse === false ? undefined : pristineBySeed.get(seed);
  if (!pristine) {
    pristine = buildPristine(seed);
    if (options.reuse !== false) pristineBySeed.set(seed, pristine);
  }

  const stockBySku = new Map<string, DownstreamStockLevel>();
  for (const s of pristine.stock) stockBySku.set(s.sku, { sku: s.sku, available: s.available, restockDate: s.restockDate });

  const reviewsByProduct = new Map<string, Readonly<DownstreamReview>[]>();
  const reviewsByAuthorAndProduct = new Map<string, Readonly<DownstreamReview>>();
  for (const [productId, list] of pristine.reviewsByProduct) {
    reviewsByProduct.set(productId, list.slice());
    for (const r of list) reviewsByAuthorAndProduct.set(`${r.authorId} ${r.productId}`, r);
  }

  const ordersByUser = new Map<string, Readonly<DownstreamOrder>[]>();
  const ordersById = new Map<string, Readonly<DownstreamOrder>>();
  for (const [userId, list] of pristine.ordersByUser) {
    ordersByUser.set(userId, list.slice());
    for (const o of list) ordersById.set(o.id, o);
  }

  const ratingsByProduct = new Map<string, DownstreamRatingSummary>();
  const refreshRating = (productId: string): DownstreamRatingSummary => {
    const list = reviewsByProduct.get(productId) ?? [];
    let sum = 0;
    for (const r of list) sum += r.rating;
    const summary = { productId, average: roundAverage(sum, list.length), count: list.length };
    ratingsByProduct.set(productId, summary);
    return summary;
  };
  for (const p of pristine.products) refreshRating(p.id);

  return {
    seed,
    products: pristine.products,
    productsById: pristine.productsById,
    productsBySku: pristine.productsBySku,
    productsNewestFirst: pristine.productsNewestFirst,
    categories: pristine.categories,
    categoriesById: pristine.categoriesById,
    productsByCategory: pristine.productsByCategory,
    stockBySku,
    reviewsByProduct,
    reviewsByAuthorAndProduct,
    ratingsByProduct,
    users: pristine.users,
    usersById: pristine.usersById,
    ordersByUser,
    ordersById,
    recommendationsByProduct: pristine.recommendationsByProduct,
    sequences: { review: pristine.reviewCount, order: pristine.orderCount },
    listProducts: pristine.listProducts,
    refreshRating,
  };
}
