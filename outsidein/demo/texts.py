"""Template banks for the demo's customer comments, per language, theme and tone.

Each bank entry is a block of alternative sentences, one per line. A comment is built
from an optional opener, one or two sentences about its theme, sometimes a request or a
piece of personal data, and an optional closer, so thousands of comments read
differently. Placeholders in braces are filled by `outsidein.demo.generate`.
"""

from __future__ import annotations

LANGUAGES = ("nb", "nn", "da", "sv", "en")


def _words(text: str) -> list[str]:
    return text.split()


# (theme, tone) pairs that exist in every language.
THEME_TONES: dict[str, tuple[str, ...]] = {
    "billing_error": ("negative",),
    "price": ("negative", "neutral"),
    "outage": ("negative", "positive"),
    "installation": ("positive", "negative"),
    "speed": ("positive", "negative"),
    "support": ("positive", "negative"),
    "app": ("positive", "negative"),
    "moving": ("positive", "negative"),
    "onboarding": ("positive", "neutral"),
    "cancellation": ("negative",),
    "general": ("positive", "neutral"),
    "business": ("negative",),
}

_NB = {
    "billing_error/negative": """
        Fakturaen for {month} var på {amount}, nesten det dobbelte av vanlig.
        Jeg er trukket to ganger for samme faktura (fakturanummer {invoice}).
        Etter at dere byttet fakturasystem har regningen vært feil to måneder på rad.
        Fikk purring på en faktura jeg har betalt for lengst – med gebyr attpåtil.
        Strømregningen er beregnet ut fra feil målerstand, og jeg har sendt bilde av måleren to ganger.
        Rabatten jeg ble lovet da jeg bestilte, er ikke trukket fra på noen av regningene.
    """,
    "price/negative": """
        Prisøkningen fra {month} kom uten ordentlig varsel, og nå betaler jeg {amount} i måneden.
        Dere øker prisen igjen, mens nye kunder får fiber til halv pris. Det føles urettferdig.
        Påslaget på spotprisen er mye høyere enn hos andre strømleverandører.
        {amount} i måneden for fiber er rett og slett for dyrt.
    """,
    "price/neutral": """
        Prisen er grei nok, men jeg skulle gjerne sett et billigere abonnement uten TV.
        Kunne dere vist på fakturaen hvor mye som er nettleie og hvor mye som er strøm?
        Jeg lurer på om det finnes rabatt når man har både strøm og fiber hos dere.
    """,
    "outage/negative": """
        Nettet var nede i {hours} timer, og vi fikk ingen melding om hvorfor.
        Under uværet var vi uten strøm i over ett døgn, og på telefonen fikk vi bare en automatisk beskjed.
        Internett faller ut flere ganger om dagen, og jeg jobber hjemmefra. Helt uholdbart.
        Appen sa at det ikke var noen feil i området, mens hele gata var uten nett.
        Det tok {days} dager før noen kom for å se på fiberboksen.
    """,
    "outage/positive": """
        Strømmen gikk under stormen, men vi fikk SMS med jevne mellomrom om når den var tilbake.
        Imponert over hvor raskt dere fikk nettet opp igjen etter bruddet.
        God informasjon i appen mens feilen ble rettet. Sånn skal det være.
    """,
    "installation/positive": """
        Montøren {agent} kom presis, var ryddig og forklarte alt om ruteren.
        Installasjonen av fiber tok under to timer, og alt virket med en gang.
        Hyggelig tekniker som tok seg tid til å finne beste plass for ruteren.
        Kjempefornøyd med installasjonen, han tok til og med med seg all emballasjen.
    """,
    "installation/negative": """
        Teknikeren kom ikke på avtalt dag, og ingen ga beskjed. Jeg hadde tatt fri fra jobb.
        Installasjonen er flyttet {days} ganger nå. Jeg har betalt for fiber jeg ikke har fått.
        Montøren boret hull i feil vegg og la igjen støv over hele stua.
        Etter installasjonen virker ikke trådløsnettet i andre etasje.
    """,
    "speed/positive": """
        Stabilt og raskt nett, jeg får over {speed} Mbit/s selv på kveldstid.
        Endelig kan hele familien strømme samtidig uten at det hakker.
        Nettet har vært stabilt hele året. Ingenting å klage på.
    """,
    "speed/negative": """
        Jeg betaler for {speed} Mbit/s, men får sjelden mer enn en tredjedel om kvelden.
        Trådløsnettet er så tregt at Teams-møtene stadig faller ut.
        Hastigheten har blitt mye dårligere de siste ukene.
    """,
    "support/positive": """
        {agent} i kundeservice var utrolig hjelpsom og løste saken på få minutter.
        Kort ventetid på telefonen og svært hyggelig behandling.
        Fikk svar på chatten nesten med en gang, og problemet ble løst på første forsøk.
        Kundebehandleren ringte meg tilbake som lovet. Det setter jeg pris på.
    """,
    "support/negative": """
        Jeg ventet i {minutes} minutter i telefonkø før samtalen ble brutt.
        Jeg har forklart det samme problemet til fire forskjellige personer.
        Dere lovet å ringe tilbake innen to dager. Det er nå gått {days} dager.
        Svaret fra kundeservice var en ferdigskrevet tekst som ikke hadde noe med saken å gjøre.
    """,
    "app/positive": """
        Den nye appen er mye bedre, nå ser jeg strømforbruket time for time.
        Veldig enkelt å bytte avtale i appen, tok et halvt minutt.
        Elsker oversikten over forbruket i den nye appversjonen.
        Endelig kan jeg betale regningen med Vipps rett i appen.
    """,
    "app/negative": """
        Appen krasjer hver gang jeg prøver å åpne fakturaen.
        Jeg kommer ikke inn på Min side, innloggingen med BankID henger bare.
        Forbruksgrafen i appen har ikke vært oppdatert på over en uke.
        Etter siste oppdatering forsvant alle de gamle fakturaene mine fra appen.
    """,
    "moving/positive": """
        Flyttingen gikk knirkefritt, nettet virket på den nye adressen samme dag.
        Det var enkelt å melde flytting på nett, og strømavtalen ble flyttet automatisk.
        Takk for god hjelp med flyttingen til {city}!
    """,
    "moving/negative": """
        Jeg meldte flytting i god tid, men fikk likevel regning for den gamle leiligheten.
        Vi har bodd på ny adresse i {days} dager og har fortsatt ikke internett.
        Sluttavregningen på den gamle adressen er feil, dere har brukt en målerstand fra før vi flyttet inn.
    """,
    "onboarding/positive": """
        Superenkelt å bestille, og velkomstsamtalen var nyttig.
        Bestillingen tok fem minutter, og ordrebekreftelsen forklarte alt som skulle skje.
        Greit og oversiktlig å bli kunde, ingen skjulte kostnader.
    """,
    "onboarding/neutral": """
        Bestillingen gikk greit, men det var litt uklart når installasjonen ville skje.
        Ordrebekreftelsen kom, men jeg savner en oversikt over hva jeg faktisk har bestilt.
        Grei prosess, men prisberegneren på nettsiden var vanskelig å forstå.
    """,
    "cancellation/negative": """
        Jeg prøver å si opp avtalen, men det går ikke an på nett, og telefonkøen er endeløs.
        Jeg har sagt opp fordi regningen har vært feil for mange ganger.
        Etter oppsigelsen fikk jeg likevel en ny faktura for neste måned.
        Dere prøvde å overtale meg til å bli i stedet for å bare avslutte avtalen.
    """,
    "general/positive": """
        Veldig fornøyd med Nordlys, både strøm og fiber fungerer som det skal.
        Har vært kunde i mange år og har aldri hatt grunn til å bytte.
        Kan trygt anbefale Nordlys til andre.
        Enkelt, stabilt og hyggelige folk. Det er alt jeg trenger.
    """,
    "general/neutral": """
        Det fungerer stort sett greit, verken mer eller mindre.
        Ingen store problemer, men heller ikke noe som skiller dere fra andre.
        Helt ok leverandør, men prisen avgjør om jeg blir.
    """,
    "business/negative": """
        Vi har {staff} ansatte som ikke fikk jobbet mens nettet var nede, og ingen hos dere tok ansvar.
        Som bedriftskunde forventer vi en fast kontaktperson, ikke en kø på {minutes} minutter.
        Fakturaen for bedriftsavtalen var {amount} for høy, og dette er tredje gang i år.
        Vi vurderer å flytte alle våre {sites} lokasjoner til en annen leverandør.
    """,
}

_NN = {
    "billing_error/negative": """
        Fakturaen for {month} var på {amount}, nesten dobbelt så mykje som vanleg.
        Eg er trekt to gonger for same faktura (fakturanummer {invoice}).
        Etter at de bytte fakturasystem, har rekninga vore feil to månader på rad.
        Fekk purring på ei rekning eg har betalt for lenge sidan – med gebyr attpå.
        Straumrekninga er rekna ut frå feil målarstand, og eg har sendt bilete av målaren to gonger.
    """,
    "price/negative": """
        Prisauken frå {month} kom utan skikkeleg varsel, og no betaler eg {amount} i månaden.
        De aukar prisen igjen, medan nye kundar får fiber til halv pris. Det kjennest urettferdig.
        Påslaget på spotprisen er mykje høgare enn hjå andre straumleverandørar.
        {amount} i månaden er rett og slett for dyrt for det vi får.
    """,
    "price/neutral": """
        Prisen er grei nok, men eg skulle gjerne hatt eit billegare abonnement utan TV.
        Kunne de vist på fakturaen kor mykje som er nettleige og kor mykje som er straum?
        Eg lurer på om det finst rabatt når ein har både straum og fiber hjå dykk.
    """,
    "outage/negative": """
        Nettet var nede i {hours} timar, og vi fekk ingen melding om kvifor.
        Under uvêret var vi utan straum i meir enn eit døgn, og på telefonen fekk vi berre ei automatisk melding.
        Internett fell ut fleire gonger om dagen, og eg jobbar heimanfrå. Heilt uhaldbart.
        Det tok {days} dagar før nokon kom for å sjå på fiberboksen.
    """,
    "outage/positive": """
        Straumen gjekk under stormen, men vi fekk SMS jamleg om når han var tilbake.
        Imponert over kor raskt de fekk nettet opp att etter brotet.
        God informasjon i appen medan feilen vart retta.
    """,
    "installation/positive": """
        Montøren {agent} kom presis, var ryddig og forklarte alt om ruteren.
        Installasjonen av fiber tok under to timar, og alt verka med ein gong.
        Triveleg teknikar som tok seg tid til å finne beste plassen for ruteren.
    """,
    "installation/negative": """
        Teknikaren kom ikkje den dagen vi hadde avtalt, og ingen sa frå. Eg hadde teke fri frå jobb.
        Installasjonen er flytta {days} gonger no. Eg har betalt for fiber eg ikkje har fått.
        Etter installasjonen verkar ikkje det trådlause nettet i andre etasje.
    """,
    "speed/positive": """
        Stabilt og raskt nett, eg får over {speed} Mbit/s sjølv på kveldstid.
        Endeleg kan heile familien strøyme samstundes utan at det hakkar.
        Nettet har vore stabilt heile året. Ingenting å klage på.
    """,
    "speed/negative": """
        Eg betaler for {speed} Mbit/s, men får sjeldan meir enn ein tredjedel om kvelden.
        Det trådlause nettet er så tregt at Teams-møta stadig fell ut.
        Farten har vorte mykje dårlegare dei siste vekene.
    """,
    "support/positive": """
        {agent} i kundeservice var utruleg hjelpsam og løyste saka på nokre få minutt.
        Kort ventetid på telefonen og veldig hyggjeleg handsaming.
        Fekk svar på chatten nesten med ein gong, og problemet vart løyst på første forsøk.
    """,
    "support/negative": """
        Eg venta i {minutes} minutt i telefonkø før samtalen vart broten.
        Eg har forklart det same problemet til fire ulike personar.
        De lova å ringje tilbake innan to dagar. No har det gått {days} dagar.
    """,
    "app/positive": """
        Den nye appen er mykje betre, no ser eg straumforbruket time for time.
        Veldig enkelt å byte avtale i appen, det tok eit halvt minutt.
        Endeleg kan eg betale rekninga med Vipps rett i appen.
    """,
    "app/negative": """
        Appen krasjar kvar gong eg prøver å opne fakturaen.
        Eg kjem ikkje inn på Mi side, innlogginga med BankID heng berre.
        Etter siste oppdatering forsvann alle dei gamle fakturaene mine frå appen.
    """,
    "moving/positive": """
        Flyttinga gjekk knirkefritt, nettet verka på den nye adressa same dagen.
        Det var enkelt å melde flytting på nett, og straumavtalen vart flytta automatisk.
        Takk for god hjelp med flyttinga til {city}!
    """,
    "moving/negative": """
        Eg melde flytting i god tid, men fekk likevel rekning for det gamle husværet.
        Vi har budd på ny adresse i {days} dagar og har framleis ikkje internett.
        Sluttoppgjeret på den gamle adressa er feil.
    """,
    "onboarding/positive": """
        Superenkelt å bestille, og velkomstsamtalen var nyttig.
        Bestillinga tok fem minutt, og ordrestadfestinga forklarte alt som skulle skje.
        Greitt og oversiktleg å verte kunde, ingen skjulte kostnader.
    """,
    "onboarding/neutral": """
        Bestillinga gjekk greitt, men det var litt uklart når installasjonen skulle skje.
        Grei prosess, men priskalkulatoren på nettsida var vanskeleg å forstå.
    """,
    "cancellation/negative": """
        Eg prøver å seie opp avtalen, men det går ikkje an på nett, og telefonkøen er endelaus.
        Eg har sagt opp fordi rekninga har vore feil for mange gonger.
        Etter oppseiinga fekk eg likevel ein ny faktura for neste månad.
    """,
    "general/positive": """
        Veldig nøgd med Nordlys, både straum og fiber fungerer som dei skal.
        Har vore kunde i mange år og har aldri hatt grunn til å byte.
        Kan trygt tilrå Nordlys til andre.
    """,
    "general/neutral": """
        Det fungerer stort sett greitt, verken meir eller mindre.
        Ingen store problem, men heller ikkje noko som skil dykk frå andre.
        Heilt ok leverandør, men prisen avgjer om eg blir verande.
    """,
    "business/negative": """
        Vi har {staff} tilsette som ikkje fekk jobba medan nettet var nede, og ingen hjå dykk tok ansvar.
        Som bedriftskunde ventar vi ein fast kontaktperson, ikkje ein kø på {minutes} minutt.
        Fakturaen for bedriftsavtalen var {amount} for høg, og dette er tredje gongen i år.
    """,
}

_DA = {
    "billing_error/negative": """
        Regningen for {month} lød på {amount}, næsten det dobbelte af normalt.
        Jeg er blevet trukket to gange for den samme faktura (fakturanummer {invoice}).
        Efter I skiftede faktureringssystem, har regningen været forkert to måneder i træk.
        Fik en rykker for en regning, jeg betalte for længst – endda med gebyr.
        Elregningen er beregnet ud fra en forkert målerstand, og jeg har sendt billede af måleren to gange.
    """,
    "price/negative": """
        Prisstigningen fra {month} kom uden ordentligt varsel, og nu betaler jeg {amount} om måneden.
        I hæver prisen igen, mens nye kunder får fiber til halv pris. Det føles uretfærdigt.
        Tillægget på spotprisen er meget højere end hos andre elselskaber.
        {amount} om måneden er simpelthen for dyrt.
    """,
    "price/neutral": """
        Prisen er fin nok, men jeg ville gerne have et billigere abonnement uden tv.
        Kunne I vise på regningen, hvor meget der er nettarif, og hvor meget der er strøm?
        Jeg spekulerer på, om der er rabat, når man har både el og fiber hos jer.
    """,
    "outage/negative": """
        Nettet var nede i {hours} timer, og vi fik ingen besked om hvorfor.
        Under stormen var vi uden strøm i over et døgn, og i telefonen fik vi kun en automatisk besked.
        Internettet falder ud flere gange om dagen, og jeg arbejder hjemmefra. Helt uholdbart.
        Der gik {days} dage, før nogen kom og kiggede på fiberboksen.
    """,
    "outage/positive": """
        Strømmen gik under stormen, men vi fik løbende sms'er om, hvornår den var tilbage.
        Imponeret over, hvor hurtigt I fik nettet op igen efter nedbruddet.
        God information i appen, mens fejlen blev rettet.
    """,
    "installation/positive": """
        Montøren {agent} kom til tiden, var ryddelig og forklarede alt om routeren.
        Installationen af fiber tog under to timer, og alt virkede med det samme.
        Flink tekniker, der tog sig tid til at finde den bedste plads til routeren.
    """,
    "installation/negative": """
        Teknikeren kom ikke på den aftalte dag, og ingen gav besked. Jeg havde taget fri fra arbejde.
        Installationen er blevet flyttet {days} gange nu. Jeg har betalt for fiber, jeg ikke har fået.
        Efter installationen virker det trådløse net ikke på første sal.
    """,
    "speed/positive": """
        Stabilt og hurtigt net, jeg får over {speed} Mbit/s selv om aftenen.
        Endelig kan hele familien streame på samme tid, uden at det hakker.
        Nettet har været stabilt hele året. Intet at klage over.
    """,
    "speed/negative": """
        Jeg betaler for {speed} Mbit/s, men får sjældent mere end en tredjedel om aftenen.
        Det trådløse net er så langsomt, at mine Teams-møder hele tiden ryger.
        Hastigheden er blevet meget dårligere de seneste uger.
    """,
    "support/positive": """
        {agent} i kundeservice var utrolig hjælpsom og løste sagen på få minutter.
        Kort ventetid i telefonen og meget venlig betjening.
        Fik svar på chatten næsten med det samme, og problemet blev løst i første forsøg.
    """,
    "support/negative": """
        Jeg ventede {minutes} minutter i telefonkø, før forbindelsen blev afbrudt.
        Jeg har forklaret det samme problem til fire forskellige medarbejdere.
        I lovede at ringe tilbage inden for to dage. Der er nu gået {days} dage.
    """,
    "app/positive": """
        Den nye app er meget bedre, nu kan jeg se mit elforbrug time for time.
        Meget nemt at skifte aftale i appen, det tog et halvt minut.
        Endelig kan jeg betale regningen med MobilePay direkte i appen.
    """,
    "app/negative": """
        Appen lukker ned, hver gang jeg prøver at åbne min regning.
        Jeg kan ikke logge ind på Min side, MitID-login hænger bare.
        Efter den seneste opdatering er alle mine gamle regninger forsvundet fra appen.
    """,
    "moving/positive": """
        Flytningen gik gnidningsfrit, nettet virkede på den nye adresse samme dag.
        Det var nemt at melde flytning online, og elaftalen fulgte automatisk med.
        Tak for god hjælp med flytningen til {city}!
    """,
    "moving/negative": """
        Jeg meldte flytning i god tid, men fik alligevel en regning for den gamle lejlighed.
        Vi har boet på den nye adresse i {days} dage og har stadig ikke internet.
        Slutopgørelsen på den gamle adresse er forkert.
    """,
    "onboarding/positive": """
        Supernemt at bestille, og velkomstopkaldet var brugbart.
        Bestillingen tog fem minutter, og ordrebekræftelsen forklarede alt, hvad der skulle ske.
        Nemt og overskueligt at blive kunde, ingen skjulte gebyrer.
    """,
    "onboarding/neutral": """
        Bestillingen gik fint, men det var lidt uklart, hvornår installationen ville ske.
        Fin proces, men prisberegneren på hjemmesiden var svær at forstå.
    """,
    "cancellation/negative": """
        Jeg prøver at opsige aftalen, men det kan ikke lade sig gøre online, og telefonkøen er endeløs.
        Jeg har opsagt, fordi regningen har været forkert for mange gange.
        Efter opsigelsen fik jeg alligevel en ny regning for næste måned.
    """,
    "general/positive": """
        Meget tilfreds med Nordlys, både el og fiber virker, som de skal.
        Har været kunde i mange år og har aldrig haft grund til at skifte.
        Kan varmt anbefale Nordlys.
    """,
    "general/neutral": """
        Det fungerer nogenlunde, hverken mere eller mindre.
        Ingen store problemer, men heller ikke noget, der skiller jer ud fra de andre.
        Helt ok leverandør, men prisen afgør, om jeg bliver.
    """,
    "business/negative": """
        Vi har {staff} medarbejdere, der ikke kunne arbejde, mens nettet var nede, og ingen hos jer tog ansvar.
        Som erhvervskunde forventer vi en fast kontaktperson, ikke en kø på {minutes} minutter.
        Regningen for erhvervsaftalen var {amount} for høj, og det er tredje gang i år.
    """,
}

_SV = {
    "billing_error/negative": """
        Fakturan för {month} var på {amount}, nästan dubbelt så mycket som vanligt.
        Jag har blivit dragen två gånger för samma faktura (fakturanummer {invoice}).
        Sedan ni bytte faktureringssystem har fakturan varit fel två månader i rad.
        Fick en påminnelse om en faktura som jag betalade för länge sedan – med avgift dessutom.
        Elräkningen är beräknad på fel mätarställning, och jag har skickat bild på mätaren två gånger.
    """,
    "price/negative": """
        Prishöjningen från {month} kom utan ordentligt besked, och nu betalar jag {amount} i månaden.
        Ni höjer priset igen medan nya kunder får fiber till halva priset. Det känns orättvist.
        Påslaget på spotpriset är mycket högre än hos andra elbolag.
        {amount} i månaden är helt enkelt för dyrt.
    """,
    "price/neutral": """
        Priset är okej, men jag skulle gärna ha ett billigare abonnemang utan tv.
        Kan ni visa på fakturan hur mycket som är elnät och hur mycket som är el?
        Jag undrar om det finns rabatt om man har både el och fiber hos er.
    """,
    "outage/negative": """
        Nätet låg nere i {hours} timmar och vi fick inget besked om varför.
        Under stormen var vi utan ström i över ett dygn, och i telefon fick vi bara ett automatiskt meddelande.
        Internet försvinner flera gånger om dagen och jag jobbar hemifrån. Helt ohållbart.
        Det tog {days} dagar innan någon kom och tittade på fiberboxen.
    """,
    "outage/positive": """
        Strömmen gick under stormen, men vi fick sms löpande om när den skulle vara tillbaka.
        Imponerad över hur snabbt ni fick igång nätet igen efter avbrottet.
        Bra information i appen medan felet åtgärdades.
    """,
    "installation/positive": """
        Installatören {agent} kom i tid, var noggrann och förklarade allt om routern.
        Installationen av fiber tog under två timmar och allt fungerade direkt.
        Trevlig tekniker som tog sig tid att hitta bästa platsen för routern.
    """,
    "installation/negative": """
        Teknikern kom inte på den avtalade dagen och ingen hörde av sig. Jag hade tagit ledigt från jobbet.
        Installationen har flyttats {days} gånger nu. Jag har betalat för fiber som jag inte har fått.
        Efter installationen fungerar inte wifi på övervåningen.
    """,
    "speed/positive": """
        Stabilt och snabbt nät, jag får över {speed} Mbit/s även på kvällen.
        Äntligen kan hela familjen streama samtidigt utan att det hackar.
        Nätet har varit stabilt hela året. Inget att klaga på.
    """,
    "speed/negative": """
        Jag betalar för {speed} Mbit/s men får sällan mer än en tredjedel på kvällarna.
        Wifi är så långsamt att mina Teams-möten hela tiden bryts.
        Hastigheten har blivit mycket sämre de senaste veckorna.
    """,
    "support/positive": """
        {agent} på kundtjänst var otroligt hjälpsam och löste ärendet på några minuter.
        Kort väntetid i telefon och väldigt trevligt bemötande.
        Fick svar i chatten nästan direkt och problemet löstes på första försöket.
    """,
    "support/negative": """
        Jag väntade i {minutes} minuter i telefonkö innan samtalet bröts.
        Jag har förklarat samma problem för fyra olika personer.
        Ni lovade att ringa tillbaka inom två dagar. Nu har det gått {days} dagar.
    """,
    "app/positive": """
        Den nya appen är mycket bättre, nu ser jag elförbrukningen timme för timme.
        Väldigt enkelt att byta avtal i appen, det tog en halv minut.
        Äntligen kan jag betala fakturan med Swish direkt i appen.
    """,
    "app/negative": """
        Appen kraschar varje gång jag försöker öppna fakturan.
        Jag kommer inte in på Mina sidor, inloggningen med BankID bara hänger sig.
        Efter senaste uppdateringen försvann alla mina gamla fakturor från appen.
    """,
    "moving/positive": """
        Flytten gick smidigt, nätet fungerade på nya adressen samma dag.
        Det var enkelt att anmäla flytt på webben och elavtalet flyttades automatiskt.
        Tack för bra hjälp med flytten till {city}!
    """,
    "moving/negative": """
        Jag anmälde flytten i god tid men fick ändå en faktura för den gamla lägenheten.
        Vi har bott på nya adressen i {days} dagar och har fortfarande inget internet.
        Slutfakturan för den gamla adressen är fel.
    """,
    "onboarding/positive": """
        Superenkelt att beställa och välkomstsamtalet var bra.
        Beställningen tog fem minuter och orderbekräftelsen förklarade allt som skulle hända.
        Smidigt och tydligt att bli kund, inga dolda avgifter.
    """,
    "onboarding/neutral": """
        Beställningen gick bra, men det var lite oklart när installationen skulle ske.
        Okej process, men priskalkylatorn på webbplatsen var svår att förstå.
    """,
    "cancellation/negative": """
        Jag försöker säga upp avtalet, men det går inte på webben och telefonkön är oändlig.
        Jag har sagt upp avtalet eftersom fakturan har varit fel för många gånger.
        Efter uppsägningen fick jag ändå en ny faktura för nästa månad.
    """,
    "general/positive": """
        Mycket nöjd med Nordlys, både el och fiber fungerar som de ska.
        Har varit kund i många år och aldrig haft anledning att byta.
        Kan varmt rekommendera Nordlys.
    """,
    "general/neutral": """
        Det fungerar för det mesta, varken mer eller mindre.
        Inga stora problem, men inget som skiljer er från andra heller.
        Helt okej leverantör, men priset avgör om jag stannar.
    """,
    "business/negative": """
        Vi har {staff} anställda som inte kunde jobba medan nätet låg nere, och ingen hos er tog ansvar.
        Som företagskund förväntar vi oss en fast kontaktperson, inte en kö på {minutes} minuter.
        Fakturan för företagsavtalet var {amount} för hög, och det är tredje gången i år.
    """,
}

_EN = {
    "billing_error/negative": """
        My bill for {month} came to {amount}, almost twice the usual amount.
        I have been charged twice for the same invoice (invoice number {invoice}).
        Since you switched billing systems my invoice has been wrong two months in a row.
        Got a payment reminder for an invoice I paid weeks ago – with a late fee on top.
        The electricity bill is based on the wrong meter reading, and I've sent you a photo of the meter twice.
    """,
    "price/negative": """
        The price increase from {month} came without proper notice, and now I pay {amount} a month.
        You keep raising prices while new customers get fibre at half price. It feels unfair.
        Your mark-up on the spot price is much higher than other suppliers'.
        {amount} a month is simply too expensive.
    """,
    "price/neutral": """
        The price is fair enough, but I'd like a cheaper plan without TV.
        Could the invoice show how much is grid rent and how much is electricity?
        Is there a discount if you have both electricity and fibre with you?
    """,
    "outage/negative": """
        The internet was down for {hours} hours and nobody told us why.
        During the storm we had no power for more than a day, and the phone line only played a recorded message.
        The connection drops several times a day and I work from home. This is not acceptable.
        It took {days} days before anyone came to look at the fibre box.
    """,
    "outage/positive": """
        The power went out during the storm, but we got regular text updates on when it would be back.
        Impressed by how quickly you got the network back up after the outage.
        Good updates in the app while the fault was being fixed.
    """,
    "installation/positive": """
        The technician, {agent}, arrived on time, was tidy and explained everything about the router.
        The fibre installation took less than two hours and everything worked straight away.
        Friendly technician who took the time to find the best spot for the router.
    """,
    "installation/negative": """
        The technician didn't turn up on the agreed day and nobody let me know. I had taken the day off work.
        The installation has been rescheduled {days} times now. I'm paying for fibre I don't have.
        Since the installation the Wi-Fi doesn't reach upstairs.
    """,
    "speed/positive": """
        Fast and stable connection, I get over {speed} Mbit/s even in the evening.
        Finally the whole family can stream at the same time without buffering.
        The connection has been rock solid all year. Nothing to complain about.
    """,
    "speed/negative": """
        I pay for {speed} Mbit/s but rarely get more than a third of that in the evening.
        The Wi-Fi is so slow that my Teams calls keep dropping.
        Speeds have become much worse over the last few weeks.
    """,
    "support/positive": """
        {agent} in customer service was incredibly helpful and sorted it out in minutes.
        Short wait on the phone and a really friendly agent.
        Got an answer in the chat almost immediately, and the problem was solved first time.
    """,
    "support/negative": """
        I waited {minutes} minutes in the phone queue before the call was cut off.
        I've explained the same problem to four different people.
        You promised to call me back within two days. It has now been {days} days.
    """,
    "app/positive": """
        The new app is so much better, I can now see my electricity use hour by hour.
        Really easy to change my plan in the app, took thirty seconds.
        Finally I can pay the bill straight from the app.
    """,
    "app/negative": """
        The app crashes every time I try to open my invoice.
        I can't log in to My page, the BankID login just hangs.
        After the last update all my old invoices disappeared from the app.
    """,
    "moving/positive": """
        The move went smoothly, the internet worked at the new address the same day.
        Registering the move online was easy and the electricity contract moved with us.
        Thanks for the help with our move to {city}!
    """,
    "moving/negative": """
        I reported the move well in advance but still got billed for the old flat.
        We've lived at the new address for {days} days and still have no internet.
        The final bill for the old address is wrong.
    """,
    "onboarding/positive": """
        Really easy to order, and the welcome call was useful.
        Ordering took five minutes, and the confirmation explained everything that would happen.
        Simple and clear to sign up, no hidden fees.
    """,
    "onboarding/neutral": """
        Ordering was fine, but it wasn't clear when the installation would happen.
        OK process, but the price calculator on the website was hard to understand.
    """,
    "cancellation/negative": """
        I'm trying to cancel my contract, but it can't be done online and the phone queue is endless.
        I have cancelled because my bill has been wrong too many times.
        After cancelling I still received an invoice for next month.
    """,
    "general/positive": """
        Very happy with Nordlys, both electricity and fibre just work.
        I've been a customer for years and never had a reason to switch.
        I can happily recommend Nordlys.
    """,
    "general/neutral": """
        It mostly works, nothing more, nothing less.
        No big problems, but nothing that sets you apart either.
        An OK supplier, but price will decide whether I stay.
    """,
    "business/negative": """
        We have {staff} employees who couldn't work while the network was down, and nobody on your side took responsibility.
        As a business customer we expect a dedicated contact, not a {minutes}-minute queue.
        The invoice for our business agreement was {amount} too high, the third time this year.
    """,
}

OPENERS: dict[str, dict[str, str]] = {
    "nb": {
        "negative": "Jeg er skikkelig skuffet.\nNå er jeg lei.\nDette er ikke greit.\nBeklager, men nå må jeg klage.\nHei.",
        "positive": "Hei!\nBare ville si fra:\nTusen takk!\nSå fornøyd!",
        "neutral": "Hei.\nEt lite innspill:\nHei, et spørsmål.",
    },
    "nn": {
        "negative": "Eg er skikkeleg skuffa.\nNo er eg lei.\nDette er ikkje greitt.\nHei.",
        "positive": "Hei!\nTusen takk!\nBerre ville seie frå:",
        "neutral": "Hei.\nEit lite innspel:",
    },
    "da": {
        "negative": "Jeg er virkelig skuffet.\nNu er jeg træt af det.\nDet her er ikke i orden.\nHej.",
        "positive": "Hej!\nTusind tak!\nVille bare sige:",
        "neutral": "Hej.\nEt lille input:",
    },
    "sv": {
        "negative": "Jag är riktigt besviken.\nNu är jag trött på det här.\nDet här är inte okej.\nHej.",
        "positive": "Hej!\nStort tack!\nVille bara säga:",
        "neutral": "Hej.\nEn liten synpunkt:",
    },
    "en": {
        "negative": "Really disappointed.\nI've had enough.\nThis isn't good enough.\nHi.",
        "positive": "Hi!\nThank you so much!\nJust wanted to say:",
        "neutral": "Hi.\nA small suggestion:",
    },
}

CLOSERS: dict[str, dict[str, str]] = {
    "nb": {
        "negative": "Vurderer å bytte leverandør.\nFiks dette!\nJeg forventer en forklaring.\nHelt elendig.",
        "positive": "Fortsett sånn!\nAnbefales!\nTakk!",
        "neutral": "Ellers greit.\nTakk.",
    },
    "nn": {
        "negative": "Vurderer å byte leverandør.\nFiks dette!\nEg ventar ei forklaring.",
        "positive": "Hald fram slik!\nTakk!",
        "neutral": "Elles greitt.\nTakk.",
    },
    "da": {
        "negative": "Overvejer at skifte selskab.\nFå det nu ordnet!\nJeg forventer en forklaring.",
        "positive": "Bliv ved med det!\nKan anbefales!\nTak!",
        "neutral": "Ellers fint.\nTak.",
    },
    "sv": {
        "negative": "Funderar på att byta bolag.\nFixa det här!\nJag förväntar mig en förklaring.",
        "positive": "Fortsätt så!\nRekommenderas!\nTack!",
        "neutral": "Annars bra.\nTack.",
    },
    "en": {
        "negative": "Thinking about switching supplier.\nPlease sort this out!\nI expect an explanation.",
        "positive": "Keep it up!\nHighly recommended!\nThanks!",
        "neutral": "Otherwise fine.\nThanks.",
    },
}

# Tickets and chats ask for something.
REQUESTS: dict[str, str] = {
    "nb": "Kan dere ringe meg?\nBer om svar så snart som mulig.\nHva skjer videre?\nKan noen se på saken min?",
    "nn": "Kan de ringje meg?\nBed om svar så snart som mogleg.\nKva skjer vidare?",
    "da": "Kan I ringe mig?\nJeg beder om svar hurtigst muligt.\nHvad sker der nu?",
    "sv": "Kan ni ringa mig?\nJag vill ha svar så snart som möjligt.\nVad händer nu?",
    "en": "Could you call me?\nPlease get back to me as soon as possible.\nWhat happens next?",
}

SIGN_OFFS: dict[str, str] = {
    "nb": "Mvh\nHilsen\nVennlig hilsen",
    "nn": "Helsing\nVenleg helsing",
    "da": "Venlig hilsen\nMvh.\nHilsen",
    "sv": "Med vänlig hälsning\nMvh\nHälsningar",
    "en": "Best regards\nKind regards\nThanks,",
}

# Personal data that customers really do write into free text. {value} is the identifier.
PII_SENTENCES: dict[str, dict[str, str]] = {
    "nb": {
        "phone": "Ring meg på {value}.\nNå meg på mobil {value}.\nTelefon: {value}",
        "email": "Svar gjerne til {value}.\nE-posten min er {value}.",
        "national_id": "Fødselsnummeret mitt er {value}, om dere trenger det.\nFnr: {value}",
        "card": "Dere kan trekke beløpet fra kortet mitt, {value}.\nKortnummer {value}, utløper 08/27.",
    },
    "nn": {
        "phone": "Ring meg på {value}.\nTelefonen min er {value}.",
        "email": "Svar gjerne til {value}.\nE-posten min er {value}.",
        "national_id": "Fødselsnummeret mitt er {value}.",
        "card": "De kan trekkje beløpet frå kortet mitt, {value}.",
    },
    "da": {
        "phone": "Ring til mig på {value}.\nMit mobilnummer er {value}.",
        "email": "Svar mig gerne på {value}.\nMin mail er {value}.",
        "national_id": "Mit CPR-nummer er {value}, hvis I skal bruge det.\nCPR: {value}",
        "card": "I kan trække beløbet på mit kort, {value}.",
    },
    "sv": {
        "phone": "Ring mig på {value}.\nMitt mobilnummer är {value}.",
        "email": "Svara gärna till {value}.\nMin mejl är {value}.",
        "national_id": "Mitt personnummer är {value} om ni behöver det.\nPersonnr: {value}",
        "card": "Ni kan dra beloppet från mitt kort, {value}.",
    },
    "en": {
        "phone": "Call me on {value}.\nMy mobile is {value}.",
        "email": "Please reply to {value}.\nMy e-mail is {value}.",
        "national_id": "My national ID number is {value}, if you need it.",
        "card": "You can charge my card, {value}.",
    },
}

MONTHS: dict[str, list[str]] = {
    "nb": _words(
        "januar februar mars april mai juni juli august september oktober november desember"
    ),
    "nn": _words(
        "januar februar mars april mai juni juli august september oktober november desember"
    ),
    "da": _words(
        "januar februar marts april maj juni juli august september oktober november december"
    ),
    "sv": _words(
        "januari februari mars april maj juni juli augusti september oktober november december"
    ),
    "en": _words(
        "January February March April May June July August September October November December"
    ),
}


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


SENTENCES: dict[str, dict[str, list[str]]] = {
    lang: {key: _lines(block) for key, block in bank.items()}
    for lang, bank in {"nb": _NB, "nn": _NN, "da": _DA, "sv": _SV, "en": _EN}.items()
}


def sentences(lang: str, theme: str, tone: str) -> list[str]:
    return SENTENCES[lang][f"{theme}/{tone}"]


def choices(table: dict[str, str], lang: str) -> list[str]:
    return _lines(table[lang])
