"""Review title templates by star rating (index 0 is one star), invented for this kit.

``{noun}`` becomes the product type in lower case ("Love this bluetooth speaker").
Tuples are in alphabetical order so diffs stay readable.
"""
from __future__ import annotations

REVIEW_TITLES: tuple[tuple[str, ...], ...] = (
    ("Arrived broken", "Awful quality", "Complete waste of money", "Did not work",
     "Do not buy this {noun}", "Fell apart", "Never again", "Not as described",
     "Refund requested", "Returned it", "Stopped working after a week", "The {noun} broke in days",
     "Very disappointed", "Worst {noun} I have owned", "Wrong item sent"),
    ("Below expectations", "Cheaply made", "Disappointing {noun}", "Expected more from this {noun}",
     "Flimsy", "Meh", "Not great", "Not worth it", "Poor quality for the price", "Runs small",
     "Too small", "Would not buy again"),
    ("An average {noun}", "Average", "Decent {noun}", "Does the job", "Does what it says",
     "Fine, not great", "Good enough", "It's okay", "Mixed feelings", "Nothing special",
     "Okay for the price", "Some flaws"),
    ("Almost perfect", "Good quality", "Good {noun}", "Great value", "Happy with it",
     "Nice product", "Pretty good", "Recommended", "Solid choice", "Solid {noun} for the money",
     "Very nice", "Works well"),
    ("Absolutely love it", "Amazing quality", "Best purchase this year", "Best {noun} ever",
     "Excellent", "Exceeded expectations", "Fast delivery, great {noun}", "Five stars",
     "Highly recommend", "Just what I needed", "Love this {noun}", "Perfect", "Perfect {noun}",
     "Would buy again", "Wow"),
)

TITLE_ENDINGS: tuple[str, ...] = ("", "", "", "", "!", "!", "!!", ".")
