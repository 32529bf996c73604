"""Given names and surnames per country: data, not code. ``_`` stands for a space ("De_Boer").

Sources: common given names and surnames of each country, compiled by hand from public
national frequency lists (US Census Bureau 2010 surnames and SSA baby names; ONS baby names
and surname counts; Destatis-style and Gesellschaft für deutsche Sprache lists; INSEE
prénoms; INE (Spain) and INEGI (Mexico) name statistics; IBGE (Brazil); ISTAT (Italy);
Statistics Canada and Retraite Québec; ABS and state registries (Australia); Meiji Yasuda
name rankings (Japan); CBS and Meertens Instituut (Netherlands); PESEL registry (Poland);
SCB (Sweden); common Indian names). Spanish, Mexican and Brazilian customers carry two
surnames, as is usual there. The pools are large enough that at 20,000 users at least 80%
of full names are distinct (the realism scorecard's ``distinct_name_share``).
"""
from __future__ import annotations

FIRST: dict[str, str] = {
    "Australia": "Alexander Amelia Archie Aria Ava Charlie Charlotte Chloe Cooper Ella Emily Ethan "
                 "Evie Grace Harper Harrison Henry Hudson Hunter Isabella Isla Ivy Jack James Jasper "
                 "Leo Levi Lily Luca Lucas Matilda Mia Mila Noah Oliver Olivia Oscar Ruby Sienna "
                 "Sophie Thomas William Willow Zoe",
    "Brazil": "Ana Antônio Arthur Beatriz Bernardo Bruno Camila Carlos Davi Eduardo Enzo Felipe "
              "Fernanda Gabriel Gabriela Guilherme Gustavo Heitor Helena Isabela João Julia Larissa "
              "Laura Leonardo Letícia Lucas Luiza Manuela Maria Mariana Mateus Miguel Pedro Rafael "
              "Samuel Sofia Thiago Valentina Vitória",
    "Canada": "Abigail Aiden Alexander Alice Amelia Ava Benjamin Charlie Charlotte Chloe Chloé Ella "
              "Emily Emma Ethan Evelyn Félix Gabriel Hannah Hudson Isabella Jack Jackson Jacob James "
              "Jayden Lauren Léa Leah Liam Lily Logan Louis Lucas Madison Mason Maya Mia Mila "
              "Nathan Noah Nora Olivia Owen Raphaël Rose Samuel Sarah Sophia Sophie Theo Thomas "
              "William Zachary Zoé",
    "France": "Adam Adèle Agathe Alexandre Alice Ambre Anna Antoine Arthur Axel Baptiste Camille "
              "Capucine Charlotte Chloé Clara Clément Élise Emma Enzo Éva Gabriel Hugo Inès Jade "
              "Jeanne Jules Julien Juliette Léa Léo Léon Lina Lola Louis Louise Lucas Lucie Manon "
              "Margaux Marius Mathilde Mathis Maxime Mila Nathan Nicolas Noah Noémie Paul Pauline "
              "Raphaël Romane Rose Sacha Sarah Théo Thomas Valentin Victor Zoé",
    "Germany": "Alexander Anna Anton Ben Carla Charlotte Clara Daniel David Elena Elias Ella Emil "
               "Emilia Emma Erik Felix Finn Florian Frieda Greta Hannah Helena Henry Ida Jakob Jan "
               "Jana Johanna Jonas Julia Julian Justus Karl Katharina Kilian Lara Laura Lea Lena "
               "Leni Leon Leonie Lina Linus Lisa Louis Luca Lukas Luis Maja Marie Martin Mats "
               "Matteo Max Maximilian Mia Michael Milan Moritz Nele Niklas Noah Oskar Paul Paula "
               "Philipp Rafael Sarah Simon Sophia Sophie Stefan Thomas Tim Tobias Valentin Vincent",
    "India": "Aadhya Aarav Aarohi Abhinav Aditi Aditya Akash Amit Ananya Anika Anjali Ankit Anushka "
             "Arjun Arnav Aryan Ayaan Deepak Dhruv Diya Gaurav Harsh Isha Ishaan Ishita Kabir Karan "
             "Kavya Kiara Krishna Kriti Kunal Lakshmi Manish Meera Mohit Myra Nandini Naveen Neha "
             "Nikhil Nisha Pooja Pranav Priya Rahul Rajesh Ravi Reyansh Riya Rohan Rohit Saanvi "
             "Sachin Sahil Sai Sanjay Shreya Shruti Siddharth Sneha Suresh Tanvi Tara Varun "
             "Vihaan Vikram Vivaan Yash Zara",
    "Italy": "Alessandro Alessia Alice Andrea Anna Aurora Beatrice Camilla Chiara Christian Davide "
             "Diego Edoardo Elena Elisa Emma Federico Filippo Francesca Francesco Gabriele Giacomo "
             "Ginevra Giorgia Giovanni Giulia Greta Leonardo Lorenzo Luca Ludovica Marco Maria "
             "Martina Matilde Matteo Mattia Michele Nicolò Noemi Pietro Riccardo Samuele Sara "
             "Simone Sofia Stefano Tommaso Valentina Vittoria",
    "Japan": "Akari Akira Aoi Asahi Ayaka Daiki Emi Haruka Haruto Hina Hinata Hiroshi Itsuki Kaito "
             "Kenji Kenta Koharu Kota Mei Minato Mio Misaki Nanami Naoki Natsuki Ren Riko Rin "
             "Ryota Saki Sakura Shota Sora Sota Takeshi Takumi Tsubasa Yamato Yui Yuina Yuka "
             "Yuki Yuma Yuna Yuto",
    "Mexico": "Alejandro Ana Andrea Andrés Ángel Camila Carlos Daniel Diego Emiliano Emilio Fernanda "
              "Fernando Gabriela Guadalupe Isabella Javier Jesús Jorge José Juan Leonardo Luis "
              "María Mariana Mateo Miguel Natalia Pedro Rafael Regina Renata Ricardo Roberto "
              "Santiago Sebastián Sofía Valentina Valeria Ximena",
    "Netherlands": "Anna Bas Bram Daan Emma Eva Femke Fenna Finn Floor Isa Jasper Jesse Julia Lars "
                   "Levi Lieke Lisa Lotte Lucas Luuk Max Mila Milan Noah Noor Nora Roos Ruben Saar "
                   "Sam Sanne Sara Sem Sophie Stijn Tess Thijs Thomas Tim",
    "Poland": "Adam Agnieszka Aleksandra Alicja Amelia Anna Antoni Bartosz Dawid Filip Franciszek "
              "Hanna Igor Jakub Jan Julia Kacper Kamil Karolina Katarzyna Krzysztof Lena Łukasz "
              "Magdalena Maja Marcel Maria Mateusz Michał Mikołaj Natalia Oliwia Paweł Piotr Szymon "
              "Tomasz Wiktoria Wojciech Zofia Zuzanna",
    "Spain": "Alejandro Álvaro Ana Andrea Antonio Carla Carlos Carmen Claudia Daniel David Diego "
             "Elena Enrique Francisco Hugo Irene Isabel Javier Jorge José Juan Julia Laura Lucía "
             "Luis Manuel María Marta Martina Miguel Nerea Pablo Paula Pedro Raquel Rosa Sara "
             "Sergio Sofía",
    "Sweden": "Adam Agnes Alice Alva Astrid Axel Ebba Elias Ella Elsa Emil Erik Filip Freja Hugo "
              "Ida Isak Klara Leo Liam Linnea Lucas Ludvig Maja Nils Noah Olivia Oscar Saga Signe "
              "Theo Vera Viktor Wilma William",
    "United Kingdom": "Adam Alfie Alice Amelia Amy Archie Arthur Ava Benjamin Bethany Charlie "
                      "Charlotte Chloe Daisy Daniel David Dylan Edward Eleanor Elizabeth Ella Ellie "
                      "Emily Emma Ethan Evie Florence Freddie Freya George Grace Hannah Harriet "
                      "Harry Harvey Henry Holly Hugo Imogen Isaac Isabelle Isla Jack Jacob Jake "
                      "James Jessica Joseph Joshua Katie Leo Lewis Lily Logan Louis Lucy Luke "
                      "Matilda Max Megan Mia Millie Mohammed Molly Noah Oliver Olivia Oscar Phoebe "
                      "Poppy Rosie Ruby Samuel Scarlett Sienna Sophie Theo Thomas Toby William Zara",
    "United States": "Aaron Abigail Adam Addison Aiden Alexander Alexis Allison Alyssa Amanda Amelia "
                     "Andrew Angela Anna Anthony Aria Ashley Audrey Austin Ava Avery Benjamin "
                     "Brandon Brian Brittany Brooklyn Caleb Cameron Carter Charles Charlotte Chloe "
                     "Christian Christopher Claire Connor Daniel David Dylan Edward Elijah "
                     "Elizabeth Ella Emily Emma Eric Ethan Evan Evelyn Gabriel Grace Hailey Hannah "
                     "Harper Hayden Henry Hunter Isaac Isabella Jack Jackson Jacob James Jasmine "
                     "Jason Jayden Jennifer Jessica John Jonathan Jordan Joseph Joshua Julia Justin "
                     "Katherine Kayla Kevin Kyle Landon Lauren Layla Leah Liam Lillian Logan Lucas "
                     "Luke Madison Mason Matthew Megan Mia Michael Natalie Nathan Nicholas Noah "
                     "Nora Olivia Owen Paige Rachel Riley Robert Ryan Samantha Samuel Sarah "
                     "Savannah Scarlett Sean Sophia Stella Taylor Thomas Tyler Victoria William "
                     "Wyatt Zachary Zoe",
}

LAST: dict[str, str] = {
    "Australia": "Anderson Baker Bell Brown Campbell Clarke Collins Cook Davies Edwards Evans Harris "
                 "Hill Hughes Jackson Johnson Jones Kelly Kennedy King Lee Martin Mitchell Moore "
                 "Morris Murphy Nguyen O'Brien Robinson Ryan Scott Smith Stewart Taylor Thomas "
                 "Thompson Tran Walker Ward Watson White Williams Wilson Wood Young",
    "Brazil": "Almeida Alves Araújo Barbosa Barros Cardoso Carvalho Castro Costa Dias Fernandes "
              "Ferreira Gomes Lima Lopes Martins Melo Mendes Moreira Nascimento Oliveira Pereira "
              "Ribeiro Rocha Rodrigues Santos Silva Soares Sousa Souza Teixeira Vieira",
    "Canada": "Anderson Bélanger Bergeron Bouchard Brown Campbell Caron Chan Clark Côté Fortin "
              "Fraser Gagné Gagnon Gauthier Girard Graham Grant Hall Johnson Jones King Lapointe "
              "Lavoie Leblanc Lee Lefebvre MacDonald Martin Miller Mitchell Moore Morin Morrison "
              "Murphy Ouellet Patel Pelletier Poirier Reid Robinson Roy Scott Singh Smith Stewart "
              "Taylor Thompson Tremblay Walker White Williams Wilson Wong Wright Young",
    "France": "Bernard Bertrand Blanc Bonnet Boyer Brunet Caron Chevalier Clément Colin David "
              "Dubois Dufour Dumont Dupont Durand Fabre Faure Fontaine Fournier François Garcia "
              "Garnier Gauthier Gautier Girard Giraud Guérin Henry Lambert Laurent Leclerc Lefebvre "
              "Legrand Leroy Lopez Marchand Martin Masson Mathieu Mercier Meunier Michel Morel "
              "Moreau Muller Nicolas Perrin Petit Picard Renard Richard Robert Robin Rolland "
              "Rousseau Roussel Roux Simon Thomas Vincent",
    "Germany": "Bauer Becker Braun Busch Dietrich Engel Fischer Frank Friedrich Fuchs Graf Günther "
               "Haas Hahn Hartmann Heinrich Herrmann Hoffmann Hofmann Horn Huber Jung Kaiser Keller "
               "Klein Koch Köhler König Krämer Krause Krüger Kuhn Lang Lange Lehmann Lorenz Ludwig "
               "Maier Mayer Meier Meyer Möller Müller Neumann Otto Peters Pohl Richter Roth Schäfer "
               "Schmid Schmidt Schmitt Schmitz Schneider Scholz Schröder Schubert Schulte Schulz "
               "Schumacher Schwarz Simon Sommer Stein Vogel Vogt Walter Weber Weiß Werner Winkler "
               "Wolf Wolff Zimmermann",
    "India": "Agarwal Ahmed Ahuja Arora Bajaj Banerjee Bhat Bhatia Bhatt Bose Chakraborty "
             "Chatterjee Chauhan Chawla Chopra Das Desai Dubey Dutta Ghosh Gill Goel Gupta Iyer "
             "Jain Joshi Kapoor Kaur Khan Khanna Kulkarni Kumar Malhotra Mehta Menon Mishra "
             "Mukherjee Naidu Nair Pandey Patel Pillai Rao Reddy Saxena Sen Sethi Shah Sharma "
             "Shetty Singh Sinha Srivastava Thakur Tiwari Trivedi Varma Verma Yadav",
    "Italy": "Barbieri Bernardi Bianchi Bruno Caruso Cattaneo Colombo Conti Costa D'Angelo De_Luca "
             "Esposito Fabbri Farina Ferrara Ferrari Fontana Galli Gallo Gentile Giordano Greco "
             "Leone Lombardi Longo Mancini Marchetti Mariani Marini Marino Martinelli Messina "
             "Monti Moretti Orlando Palumbo Pellegrini Ricci Rinaldi Rizzo Romano Rossi Russo "
             "Sala Santoro Serra Silvestri Testa Villa Vitale",
    "Japan": "Abe Aoki Endo Fujii Fujita Fukuda Goto Hasegawa Hashimoto Hayashi Ikeda Inoue Ishii "
             "Ishikawa Ito Kato Kikuchi Kimura Kobayashi Kondo Maeda Matsumoto Mori Murakami "
             "Nakajima Nakamura Nakano Ogawa Okada Ota Saito Sakamoto Sasaki Sato Shimizu Suzuki "
             "Takahashi Tanaka Ueda Watanabe Yamada Yamaguchi Yamamoto Yamazaki Yoshida",
    "Mexico": "Aguilar Castillo Chávez Cruz Díaz Flores García Gómez González Gutiérrez Hernández "
              "Jiménez López Martínez Medina Mendoza Morales Moreno Ortiz Pérez Ramírez Ramos "
              "Reyes Rodríguez Romero Ruiz Sánchez Torres Vargas Vázquez",
    "Netherlands": "Bakker Bos Brouwer De_Boer De_Bruijn De_Graaf De_Groot De_Haan De_Jong De_Vries "
                   "De_Wit Dekker Dijkstra Hendriks Hoekstra Jacobs Jansen Janssen Kok Koster "
                   "Meijer Mulder Peters Postma Prins Schouten Smit Smits Van_Beek Van_Dam "
                   "Van_den_Berg Van_der_Linden Van_der_Meer Van_Dijk Van_Leeuwen Verbeek "
                   "Vermeulen Visser Vos Willems",
    "Poland": "Adamczyk Baran Dąbrowski Dudek Górski Grabowski Jabłoński Jankowski Jasiński "
              "Kaczmarek Kamiński Kowalczyk Kowalski Kozłowski Krawczyk Król Kwiatkowski "
              "Lewandowski Majewski Mazur Michalski Nowak Nowicki Olszewski Pawłowski Pietrzak "
              "Piotrowski Rutkowski Sikora Stępień Szymański Walczak Wieczorek Wiśniewski "
              "Wojciechowski Wójcik Woźniak Wróbel Zając Zieliński",
    "Spain": "Alonso Álvarez Blanco Castro Delgado Díaz Fernández Gallego García Gómez González "
             "Gutiérrez Hernández Iglesias Jiménez López Martín Martínez Molina Moreno Muñoz "
             "Navarro Ortega Pérez Ramírez Romero Rubio Ruiz Sánchez Serrano Suárez Torres Vázquez",
    "Sweden": "Åberg Andersson Axelsson Bengtsson Berg Berglund Eriksson Fredriksson Gustafsson "
              "Hansson Henriksson Holm Jakobsson Johansson Jonsson Karlsson Larsson Lindberg "
              "Lindgren Lindqvist Lindström Lundberg Lundgren Magnusson Nilsson Nyström Olofsson "
              "Olsson Persson Pettersson Sandberg Sjöberg Ström Svensson Wallin",
    "United Kingdom": "Adams Ali Allen Anderson Bailey Baker Barker Barnes Begum Bell Bennett Brown "
                      "Butler Campbell Carter Chapman Clark Clarke Collins Cook Cooper Cox Davies "
                      "Davis Dixon Edwards Ellis Evans Fisher Foster Gray Green Griffiths Hall "
                      "Harris Harrison Harvey Hill Holmes Hughes Hunt Hussain Jackson James Jenkins "
                      "Johnson Jones Kelly Khan King Knight Lee Lewis Lloyd Marshall Martin Mason "
                      "Matthews Miller Mills Mitchell Moore Morgan Morris Murphy Murray Owen Palmer "
                      "Parker Patel Phillips Powell Price Richards Richardson Roberts Robinson "
                      "Rogers Russell Scott Shaw Simpson Singh Smith Stevens Taylor Thomas Thompson "
                      "Turner Walker Ward Watson Webb White Wilkinson Williams Wilson Wood Wright "
                      "Young",
    "United States": "Adams Alexander Allen Alvarez Anderson Bailey Baker Barnes Bell Bennett Brooks "
                     "Brown Butler Campbell Carter Castillo Chavez Clark Cole Coleman Collins Cook "
                     "Cooper Cox Cruz Davis Diaz Edwards Evans Fisher Flores Foster Garcia Gomez "
                     "Gonzales Gonzalez Graham Gray Green Griffin Gutierrez Hall Hamilton Harris "
                     "Hayes Henderson Hernandez Hill Howard Hughes Jackson James Jenkins Jimenez "
                     "Johnson Jones Jordan Kelly Kim King Lee Lewis Long Lopez Martin Martinez "
                     "Mendoza Miller Mitchell Moore Morales Moreno Morgan Morris Murphy Myers "
                     "Nelson Nguyen Ortiz Parker Patel Patterson Perez Perry Peterson Phillips "
                     "Powell Price Ramirez Ramos Reed Reyes Reynolds Richardson Rivera Roberts "
                     "Robinson Rodriguez Rogers Romero Ross Ruiz Russell Sanchez Sanders Scott "
                     "Simmons Smith Stewart Sullivan Taylor Thomas Thompson Torres Turner Vasquez "
                     "Walker Wallace Ward Watson West White Williams Wilson Wood Wright Young",
}

DOUBLE_SURNAMES = ("Brazil", "Mexico", "Spain")


def names(text: str) -> tuple[str, ...]:
    """A whitespace-separated list as a sorted tuple, ``_`` turned into a space."""
    return tuple(sorted(name.replace("_", " ") for name in text.split()))
