"""Value pools: data, not code.

Names per country live in ``names.py`` (with their sources); cities are
each country's largest, weighted roughly by population. Country weights are a
plausible customer mix for an English-language shop, not a measurement.
Product nouns and brands are invented for this kit (review titles: ``texts.py``).
Tuples are in alphabetical order so diffs stay readable; weights sit beside them.
"""
from __future__ import annotations

from typing import NamedTuple

from data_generation.names import DOUBLE_SURNAMES, FIRST, LAST, names


class Locale(NamedTuple):
    country: str
    weight: float
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[tuple[str, float], ...]
    surnames: int              # 2 where a person carries two surnames (Spain, Mexico, Brazil)


def _locale(country: str, weight: float, cities: tuple[tuple[str, float], ...]) -> Locale:
    return Locale(country, weight, names(FIRST[country]), names(LAST[country]), cities,
                  2 if country in DOUBLE_SURNAMES else 1)


LOCALES: tuple[Locale, ...] = (
    _locale("Australia", 4,
            (("Adelaide", 1.4), ("Brisbane", 2.6), ("Canberra", 0.5), ("Melbourne", 5.0),
             ("Perth", 2.1), ("Sydney", 5.3))),
    _locale("Brazil", 5,
            (("Belo Horizonte", 2.5), ("Brasilia", 3.0), ("Curitiba", 1.9), ("Fortaleza", 2.6),
             ("Porto Alegre", 1.5), ("Recife", 1.6), ("Rio de Janeiro", 6.7), ("Salvador", 2.9),
             ("Sao Paulo", 12.3))),
    _locale("Canada", 5,
            (("Calgary", 1.3), ("Edmonton", 1.0), ("Montreal", 4.2), ("Ottawa", 1.4),
             ("Toronto", 6.2), ("Vancouver", 2.6), ("Winnipeg", 0.8))),
    _locale("France", 7,
            (("Bordeaux", 1.3), ("Lille", 1.2), ("Lyon", 2.3), ("Marseille", 1.9),
             ("Nantes", 1.0), ("Nice", 1.0), ("Paris", 11.0), ("Strasbourg", 0.8), ("Toulouse", 1.4))),
    _locale("Germany", 10,
            (("Berlin", 3.7), ("Cologne", 1.1), ("Dresden", 0.6), ("Dusseldorf", 0.6),
             ("Frankfurt", 0.8), ("Hamburg", 1.9), ("Leipzig", 0.6), ("Munich", 1.5),
             ("Stuttgart", 0.6))),
    _locale("India", 8,
            (("Ahmedabad", 8.0), ("Bengaluru", 12.0), ("Chennai", 10.0), ("Delhi", 30.0),
             ("Hyderabad", 10.0), ("Kolkata", 15.0), ("Mumbai", 21.0), ("Pune", 7.0))),
    _locale("Italy", 5,
            (("Bologna", 0.4), ("Florence", 0.4), ("Genoa", 0.6), ("Milan", 1.4), ("Naples", 0.9),
             ("Palermo", 0.6), ("Rome", 2.8), ("Turin", 0.9))),
    _locale("Japan", 4,
            (("Fukuoka", 1.6), ("Kobe", 1.5), ("Kyoto", 1.5), ("Nagoya", 2.3), ("Osaka", 2.7),
             ("Sapporo", 2.0), ("Tokyo", 14.0), ("Yokohama", 3.8))),
    _locale("Mexico", 4,
            (("Guadalajara", 5.2), ("Leon", 1.7), ("Mexico City", 21.8), ("Monterrey", 5.3),
             ("Puebla", 3.2), ("Tijuana", 2.2))),
    _locale("Netherlands", 3,
            (("Amsterdam", 0.9), ("Eindhoven", 0.2), ("Groningen", 0.2), ("Rotterdam", 0.7),
             ("The Hague", 0.5), ("Utrecht", 0.4))),
    _locale("Poland", 3,
            (("Gdansk", 0.5), ("Krakow", 0.8), ("Lodz", 0.7), ("Poznan", 0.5), ("Warsaw", 1.8),
             ("Wroclaw", 0.6))),
    _locale("Spain", 6,
            (("Barcelona", 1.6), ("Bilbao", 0.3), ("Madrid", 3.3), ("Malaga", 0.6),
             ("Seville", 0.7), ("Valencia", 0.8), ("Zaragoza", 0.7))),
    _locale("Sweden", 2,
            (("Gothenburg", 0.6), ("Malmo", 0.35), ("Stockholm", 1.0), ("Uppsala", 0.23))),
    _locale("United Kingdom", 12,
            (("Birmingham", 1.1), ("Bristol", 0.5), ("Edinburgh", 0.5), ("Glasgow", 0.6),
             ("Leeds", 0.8), ("Liverpool", 0.5), ("London", 8.9), ("Manchester", 0.6),
             ("Sheffield", 0.6))),
    _locale("United States", 22,
            (("Austin", 1.0), ("Boston", 0.7), ("Chicago", 2.7), ("Dallas", 1.3), ("Denver", 0.7),
             ("Houston", 2.3), ("Los Angeles", 3.9), ("Miami", 0.5), ("New York", 8.3),
             ("Philadelphia", 1.6), ("Phoenix", 1.6), ("San Diego", 1.4), ("San Francisco", 0.9),
             ("Seattle", 0.7))),
)

# Reserved example domains (RFC 2606), so no generated address can reach anyone.
EMAIL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("example.com", 6.0), ("example.net", 3.0), ("example.org", 1.0),
)


class Leaf(NamedTuple):
    """A leaf category with its price distribution and the words its products are named with."""
    name: str
    weight: float            # share of the catalogue
    median_price: float      # log-normal median, in currency units
    price_sigma: float       # log-normal spread
    nouns: tuple[str, ...]
    modifiers: tuple[str, ...]


class TopCategory(NamedTuple):
    name: str
    leaves: tuple[Leaf, ...]


CATEGORY_TREE: tuple[TopCategory, ...] = (
    TopCategory("Books & Media", (
        Leaf("Children's Books", 0.8, 9.0, 0.35,
             ("Activity Book", "Bedtime Stories", "Picture Book", "Pop-Up Book", "Sticker Atlas"),
             ("Animal", "Dinosaur", "Illustrated", "Rainbow", "Space")),
        Leaf("Fiction", 1.1, 13.0, 0.30,
             ("Boxed Set", "Crime Novel", "Fantasy Saga", "Mystery Novel", "Short Stories",
              "Thriller"), ("Award-Winning", "Collector's", "Hardcover", "Paperback", "Signed")),
        Leaf("Music", 0.7, 16.0, 0.45,
             ("Jazz Collection", "Live Album", "Soundtrack", "Studio Album", "Vinyl Record"),
             ("180g", "Deluxe", "Limited", "Remastered", "Anniversary")),
        Leaf("Non-Fiction", 0.9, 18.0, 0.35,
             ("Biography", "Cookbook", "History", "Science Guide", "Travel Guide"),
             ("Complete", "Essential", "Illustrated", "Pocket", "Updated")),
    )),
    TopCategory("Electronics", (
        Leaf("Audio", 1.0, 79.0, 0.80,
             ("Bluetooth Speaker", "Charging Cable", "Earbuds", "Headphones", "Soundbar"),
             ("Noise-Cancelling", "Portable", "Studio", "Waterproof", "Wireless")),
        Leaf("Cameras", 0.4, 420.0, 0.60,
             ("Action Camera", "Camera Lens", "DSLR Camera", "Instant Camera", "Mirrorless Camera"),
             ("4K", "Compact", "Full-Frame", "Pro", "Vlogging")),
        Leaf("Laptops", 0.4, 950.0, 0.40,
             ("Chromebook", "Gaming Laptop", "Laptop", "Ultrabook", "2-in-1 Laptop"),
             ("13-inch", "14-inch", "15-inch", "Business", "Creator")),
        Leaf("Phones", 0.6, 380.0, 0.55,
             ("Compact Phone", "Flip Phone", "Foldable Phone", "Rugged Phone", "Smartphone"),
             ("5G", "Dual-SIM", "Lite", "Pro", "Unlocked")),
    )),
    TopCategory("Fashion", (
        Leaf("Accessories", 1.0, 28.0, 0.60,
             ("Backpack", "Belt", "Scarf", "Sunglasses", "Wallet", "Watch"),
             ("Classic", "Leather", "Minimalist", "Travel", "Vintage")),
        Leaf("Men's Clothing", 1.1, 39.0, 0.50,
             ("Chinos", "Hoodie", "Jacket", "Oxford Shirt", "Polo Shirt", "Sweater"),
             ("Cotton", "Merino", "Organic", "Slim-Fit", "Relaxed")),
        Leaf("Shoes", 1.0, 75.0, 0.45,
             ("Ankle Boots", "Loafers", "Running Shoes", "Sandals", "Sneakers"),
             ("Everyday", "Leather", "Lightweight", "Trail", "Waterproof")),
        Leaf("Women's Clothing", 1.2, 42.0, 0.55,
             ("Blouse", "Cardigan", "Coat", "Dress", "Jeans", "Skirt"),
             ("Linen", "Midi", "Organic Cotton", "Tailored", "Wrap")),
    )),
    TopCategory("Home & Kitchen", (
        Leaf("Appliances", 0.8, 120.0, 0.70,
             ("Air Fryer", "Blender", "Coffee Machine", "Kettle", "Stand Mixer", "Toaster"),
             ("Compact", "Digital", "Pro", "Smart", "Stainless")),
        Leaf("Bedding", 0.8, 55.0, 0.50,
             ("Duvet Cover", "Pillow", "Quilt", "Sheet Set", "Throw Blanket"),
             ("Bamboo", "Cotton", "Linen", "Memory-Foam", "Percale")),
        Leaf("Cookware", 1.0, 45.0, 0.60,
             ("Casserole Dish", "Chef's Knife", "Frying Pan", "Saucepan Set", "Wok"),
             ("Cast-Iron", "Copper", "Non-Stick", "Professional", "Stainless")),
        Leaf("Furniture", 0.5, 240.0, 0.75,
             ("Armchair", "Bookshelf", "Coffee Table", "Desk", "Dining Chair", "Sofa"),
             ("Mid-Century", "Modular", "Oak", "Scandinavian", "Walnut")),
    )),
    TopCategory("Sports & Outdoors", (
        Leaf("Camping", 0.7, 65.0, 0.75,
             ("Camping Stove", "Headlamp", "Sleeping Bag", "Tent", "Water Filter"),
             ("2-Person", "Lightweight", "Ultralight", "Four-Season", "Compact")),
        Leaf("Cycling", 0.6, 85.0, 0.95,
             ("Bike Helmet", "Bike Lights", "Cycling Jersey", "Road Bike", "Saddle Bag"),
             ("Aero", "Carbon", "Commuter", "Gravel", "Reflective")),
        Leaf("Fitness", 0.9, 35.0, 0.70,
             ("Dumbbell Set", "Foam Roller", "Kettlebell", "Resistance Bands", "Yoga Mat"),
             ("Adjustable", "Eco", "Home", "Non-Slip", "Pro")),
        Leaf("Running", 0.9, 60.0, 0.55,
             ("GPS Watch", "Hydration Vest", "Running Jacket", "Running Socks", "Trail Running Shoes"),
             ("Breathable", "Cushioned", "Marathon", "Reflective", "Ultra")),
    )),
)

BRANDS: tuple[str, ...] = (
    "Alder", "Brightline", "Cobalt", "Driftwood", "Everpeak", "Fernway", "Granite",
    "Harbor", "Ironleaf", "Juniper", "Kestrel", "Lumen", "Meridian", "Northwind",
    "Oakridge", "Pinecrest", "Quill", "Redwood", "Summit", "Tidewater", "Umbra",
    "Vantage", "Willow", "Zenith",
)
