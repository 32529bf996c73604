"""Value pools: data, not code. In name lists ``_`` stands for a space ("De_Boer").

Sources: given names and surnames are common ones of each country, compiled by
hand from public national name-frequency lists (US Census surnames, ONS baby
names, INSEE, INE, ISTAT, Destatis-style lists, IBGE, and similar); cities are
each country's largest, weighted roughly by population. Country weights are a
plausible customer mix for an English-language shop, not a measurement.
Product nouns, brands and review titles are invented for this kit.
Tuples are in alphabetical order so diffs stay readable; weights sit beside them.
"""
from __future__ import annotations

from typing import NamedTuple


class Locale(NamedTuple):
    country: str
    weight: float
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[tuple[str, float], ...]


def _names(text: str) -> tuple[str, ...]:
    return tuple(sorted(name.replace("_", " ") for name in text.split()))


LOCALES: tuple[Locale, ...] = (
    Locale("Australia", 4, _names(
        "Amelia Ava Charlotte Chloe Ella Emily Grace Isla Jack Liam Lucas Mia Noah "
        "Oliver Olivia Ruby Thomas William Zoe Cooper Harper Leo Matilda Henry"),
        _names("Brown Campbell Jones Kelly Martin Nguyen Smith Taylor Thompson White Williams Wilson"),
        (("Adelaide", 1.4), ("Brisbane", 2.6), ("Canberra", 0.5), ("Melbourne", 5.0),
         ("Perth", 2.1), ("Sydney", 5.3))),
    Locale("Brazil", 5, _names(
        "Ana Beatriz Bruno Camila Carlos Fernanda Gabriel Gustavo Isabela Joao Julia "
        "Larissa Leticia Lucas Luiz Mariana Mateus Pedro Rafael Thiago Vitoria"),
        _names("Almeida Alves Barbosa Carvalho Costa Ferreira Gomes Lima Oliveira Pereira "
               "Ribeiro Rodrigues Santos Silva Souza"),
        (("Belo Horizonte", 2.5), ("Brasilia", 3.0), ("Curitiba", 1.9), ("Fortaleza", 2.6),
         ("Porto Alegre", 1.5), ("Recife", 1.6), ("Rio de Janeiro", 6.7), ("Salvador", 2.9),
         ("Sao Paulo", 12.3))),
    Locale("Canada", 5, _names(
        "Alexander Amelia Benjamin Charlotte Emma Ethan Evelyn Hannah Isabella Jacob "
        "Leah Liam Logan Lucas Nathan Noah Olivia Samuel Sophie William"),
        _names("Brown Gagnon Lee Martin Roy Smith Tremblay Wilson Campbell Anderson Taylor MacDonald"),
        (("Calgary", 1.3), ("Edmonton", 1.0), ("Montreal", 4.2), ("Ottawa", 1.4),
         ("Toronto", 6.2), ("Vancouver", 2.6), ("Winnipeg", 0.8))),
    Locale("France", 7, _names(
        "Adele Alice Arthur Camille Chloe Emma Gabriel Hugo Jade Jules Lea Louis Louise "
        "Lucas Manon Mathis Nathan Raphael Sarah Theo Zoe"),
        _names("Bernard Bertrand Dubois Durand Fontaine Girard Laurent Lefebvre Leroy Martin "
               "Michel Moreau Petit Richard Robert Roux Simon Thomas"),
        (("Bordeaux", 1.3), ("Lille", 1.2), ("Lyon", 2.3), ("Marseille", 1.9),
         ("Nantes", 1.0), ("Nice", 1.0), ("Paris", 11.0), ("Strasbourg", 0.8), ("Toulouse", 1.4))),
    Locale("Germany", 10, _names(
        "Anna Ben Emil Emma Felix Finn Hannah Jonas Julia Laura Lea Leon Lena Lukas "
        "Maximilian Mia Noah Paul Sophie Tim"),
        _names("Bauer Becker Fischer Hoffmann Klein Koch Meyer Muller Neumann Richter "
               "Schmidt Schneider Schroder Schulz Wagner Weber Wolf Zimmermann"),
        (("Berlin", 3.7), ("Cologne", 1.1), ("Dresden", 0.6), ("Dusseldorf", 0.6),
         ("Frankfurt", 0.8), ("Hamburg", 1.9), ("Leipzig", 0.6), ("Munich", 1.5),
         ("Stuttgart", 0.6))),
    Locale("India", 8, _names(
        "Aadhya Aarav Ananya Arjun Ayaan Diya Ishaan Kavya Krishna Meera Neha Pooja "
        "Priya Rahul Riya Rohan Saanvi Sai Vihaan Vivaan"),
        _names("Agarwal Bhat Das Gupta Iyer Joshi Kumar Mehta Nair Patel Rao Reddy Shah "
               "Sharma Singh Verma"),
        (("Ahmedabad", 8.0), ("Bengaluru", 12.0), ("Chennai", 10.0), ("Delhi", 30.0),
         ("Hyderabad", 10.0), ("Kolkata", 15.0), ("Mumbai", 21.0), ("Pune", 7.0))),
    Locale("Italy", 5, _names(
        "Alessandro Alice Andrea Aurora Chiara Francesco Giorgia Giulia Leonardo Lorenzo "
        "Marco Martina Matteo Riccardo Sara Sofia Tommaso"),
        _names("Bianchi Bruno Colombo Conti Costa Esposito Ferrari Gallo Greco Marino Ricci "
               "Romano Rossi Russo"),
        (("Bologna", 0.4), ("Florence", 0.4), ("Genoa", 0.6), ("Milan", 1.4), ("Naples", 0.9),
         ("Palermo", 0.6), ("Rome", 2.8), ("Turin", 0.9))),
    Locale("Japan", 4, _names(
        "Aoi Haruto Hina Kaito Ren Riko Sakura Sora Takumi Yui Yuki Yuto Hinata Mei Akari Sota"),
        _names("Ito Kato Kobayashi Matsumoto Nakamura Sato Suzuki Takahashi Tanaka Watanabe "
               "Yamamoto Yoshida"),
        (("Fukuoka", 1.6), ("Kobe", 1.5), ("Kyoto", 1.5), ("Nagoya", 2.3), ("Osaka", 2.7),
         ("Sapporo", 2.0), ("Tokyo", 14.0), ("Yokohama", 3.8))),
    Locale("Mexico", 4, _names(
        "Alejandro Ana Camila Carlos Daniel Diego Fernanda Gabriela Jose Juan Luis Maria "
        "Mariana Miguel Sofia Valentina Ximena"),
        _names("Cruz Flores Garcia Gomez Gonzalez Hernandez Lopez Martinez Morales Perez "
               "Ramirez Reyes Rodriguez Sanchez Torres"),
        (("Guadalajara", 5.2), ("Leon", 1.7), ("Mexico City", 21.8), ("Monterrey", 5.3),
         ("Puebla", 3.2), ("Tijuana", 2.2))),
    Locale("Netherlands", 3, _names(
        "Anna Bram Daan Emma Eva Fenna Julia Lars Levi Lotte Lucas Milan Noah Sara Sem "
        "Sophie Tess Thijs"),
        _names("Bakker Bos De_Boer De_Jong De_Vries Dekker Jansen Janssen Meijer Mulder "
               "Smit Van_Dijk Visser Vos"),
        (("Amsterdam", 0.9), ("Eindhoven", 0.2), ("Groningen", 0.2), ("Rotterdam", 0.7),
         ("The Hague", 0.5), ("Utrecht", 0.4))),
    Locale("Poland", 3, _names(
        "Adam Aleksandra Anna Antoni Filip Hanna Jakub Jan Julia Kacper Lena Maja "
        "Marcel Natalia Oliwia Szymon Wiktoria Zofia"),
        _names("Dabrowski Kaminski Kowalczyk Kowalski Lewandowski Nowak Szymanski Wisniewski "
               "Wojcik Wozniak Zielinski"),
        (("Gdansk", 0.5), ("Krakow", 0.8), ("Lodz", 0.7), ("Poznan", 0.5), ("Warsaw", 1.8),
         ("Wroclaw", 0.6))),
    Locale("Spain", 6, _names(
        "Alejandro Alvaro Carla Carmen Daniel David Hugo Javier Julia Laura Lucia Manuel "
        "Maria Martina Pablo Paula Sara Sofia"),
        _names("Diaz Fernandez Garcia Gomez Gonzalez Hernandez Jimenez Lopez Martin "
               "Martinez Moreno Perez Rodriguez Ruiz Sanchez"),
        (("Barcelona", 1.6), ("Bilbao", 0.3), ("Madrid", 3.3), ("Malaga", 0.6),
         ("Seville", 0.7), ("Valencia", 0.8), ("Zaragoza", 0.7))),
    Locale("Sweden", 2, _names(
        "Alice Astrid Elsa Erik Hugo Ida Lucas Maja Noah Oscar Saga Signe Vera Viktor "
        "Wilma William Liam Olivia"),
        _names("Andersson Eriksson Gustafsson Hansson Johansson Karlsson Larsson Nilsson "
               "Olsson Persson Svensson"),
        (("Gothenburg", 0.6), ("Malmo", 0.35), ("Stockholm", 1.0), ("Uppsala", 0.23))),
    Locale("United Kingdom", 12, _names(
        "Amelia Ava Charlie Emily Freddie George Grace Harry Isabella Isla Jack Jacob "
        "Leo Lily Mia Noah Oliver Olivia Oscar Poppy Sophia Thomas"),
        _names("Brown Davies Edwards Evans Green Hall Hughes Johnson Jones Roberts Robinson "
               "Smith Taylor Thomas Walker White Williams Wilson Wood Wright"),
        (("Birmingham", 1.1), ("Bristol", 0.5), ("Edinburgh", 0.5), ("Glasgow", 0.6),
         ("Leeds", 0.8), ("Liverpool", 0.5), ("London", 8.9), ("Manchester", 0.6),
         ("Sheffield", 0.6))),
    Locale("United States", 22, _names(
        "Abigail Aiden Amelia Ava Benjamin Charlotte Daniel Elijah Emily Emma Ethan "
        "Evelyn Harper Henry Isabella Jacob James Liam Lucas Mason Mia Michael Noah "
        "Olivia Sophia William"),
        _names("Anderson Brown Davis Garcia Harris Jackson Johnson Jones Lee Martin "
               "Martinez Miller Moore Rodriguez Smith Taylor Thomas Thompson White "
               "Williams Wilson"),
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

# Review headlines by star rating (index 0 is one star).
REVIEW_TITLES: tuple[tuple[str, ...], ...] = (
    ("Arrived broken", "Complete waste of money", "Did not work", "Not as described",
     "Returned it", "Stopped working after a week", "Very disappointed"),
    ("Below expectations", "Cheaply made", "Not great", "Poor quality for the price",
     "Too small", "Would not buy again"),
    ("Average", "Does the job", "It's okay", "Mixed feelings", "Nothing special",
     "Okay for the price"),
    ("Good quality", "Happy with it", "Nice product", "Pretty good", "Solid choice",
     "Works well"),
    ("Absolutely love it", "Best purchase this year", "Excellent", "Exceeded expectations",
     "Five stars", "Highly recommend", "Perfect", "Would buy again"),
)
