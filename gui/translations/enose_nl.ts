<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nl_NL" sourcelanguage="en">
<context>
    <name>Accounts</name>
    <message>
        <source>Choose a user name without spaces (at most 64 characters).</source>
        <translation>Kies een gebruikersnaam zonder spaties (hoogstens 64 tekens).</translation>
    </message>
    <message>
        <source>Choose a role.</source>
        <translation>Kies een rol.</translation>
    </message>
    <message>
        <source>The password must have at least 12 characters.</source>
        <translation>Het wachtwoord moet minstens 12 tekens hebben.</translation>
    </message>
    <message>
        <source>This password is too easy to guess: use a longer passphrase of unrelated words.</source>
        <translation>Dit wachtwoord is te gemakkelijk te raden: gebruik een langere wachtzin van woorden die niets met elkaar te maken hebben.</translation>
    </message>
    <message>
        <source>Only an administrator may manage accounts.</source>
        <translation>Alleen een beheerder mag accounts beheren.</translation>
    </message>
    <message>
        <source>This account does not exist.</source>
        <translation>Dit account bestaat niet.</translation>
    </message>
    <message>
        <source>The current password is wrong; nothing was changed.</source>
        <translation>Het huidige wachtwoord is onjuist; er is niets gewijzigd.</translation>
    </message>
    <message>
        <source>This is the last active administrator: create another administrator first.</source>
        <translation>Dit is de laatste actieve beheerder: maak eerst een andere beheerder aan.</translation>
    </message>
    <message>
        <source>Unknown user name or wrong password.</source>
        <translation>Onbekende gebruikersnaam of verkeerd wachtwoord.</translation>
    </message>
    <message>
        <source>This account is locked for %1 minutes after too many failed sign-ins; an administrator can unlock it sooner.</source>
        <translation>Dit account is %1 minuten vergrendeld na te veel mislukte aanmeldpogingen; een beheerder kan het eerder ontgrendelen.</translation>
    </message>
    <message>
        <source>This account was changed outside the software, so sign-in is refused. An administrator restores the database from a backup.</source>
        <translation>Dit account is buiten de software om gewijzigd, daarom wordt aanmelden geweigerd. Een beheerder zet de database terug vanuit een back-up.</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Uitgeschakeld</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Vergrendeld</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actief</translation>
    </message>
    <message>
        <source>This user name is already taken.</source>
        <translation>Deze gebruikersnaam is al in gebruik.</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>De twee wachtwoorden verschillen.</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Accounts</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Initial password</source>
        <translation>Eerste wachtwoord</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Inschakelen</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Uitschakelen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Ontgrendelen</translation>
    </message>
    <message>
        <source>Set password...</source>
        <translation>Wachtwoord instellen…</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>Nieuw account</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>Account toevoegen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>Account %1 disabled.</source>
        <translation>Account %1 uitgeschakeld.</translation>
    </message>
    <message>
        <source>Account %1 enabled.</source>
        <translation>Account %1 ingeschakeld.</translation>
    </message>
    <message>
        <source>Account %1 unlocked.</source>
        <translation>Account %1 ontgrendeld.</translation>
    </message>
    <message>
        <source>New password set for %1.</source>
        <translation>Nieuw wachtwoord ingesteld voor %1.</translation>
    </message>
    <message>
        <source>Account %1 created.</source>
        <translation>Account %1 aangemaakt.</translation>
    </message>
</context>
<context>
    <name>Calibration</name>
    <message>
        <source>Zero air</source>
        <translation>Nullucht</translation>
    </message>
    <message>
        <source>Reference gas</source>
        <translation>Referentiegas</translation>
    </message>
    <message>
        <source>Self-test</source>
        <translation>Zelftest</translation>
    </message>
</context>
<context>
    <name>CalibrationWizard</name>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Preparation</source>
        <translation>Voorbereiding</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Opname</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Oordeel</translation>
    </message>
    <message>
        <source>Which calibration?</source>
        <translation>Welke kalibratie?</translation>
    </message>
    <message>
        <source>Zero air (baseline of every sensor)</source>
        <translation>Nullucht (basislijn van elke sensor)</translation>
    </message>
    <message>
        <source>Reference gas (response check)</source>
        <translation>Referentiegas (controle van de respons)</translation>
    </message>
    <message>
        <source>Zero air for %1, reference gas for %2, then zero air for %3. Checks every sensor&apos;s response against its tolerance.</source>
        <translation>Nullucht gedurende %1, referentiegas gedurende %2 en daarna nullucht gedurende %3. Controleert de respons van elke sensor tegen de tolerantie.</translation>
    </message>
    <message>
        <source>Prepare the device</source>
        <translation>Het toestel voorbereiden</translation>
    </message>
    <message>
        <source>Calibration in progress</source>
        <translation>Kalibratie bezig</translation>
    </message>
    <message>
        <source>Abort</source>
        <translation>Afbreken</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanaal</translation>
    </message>
    <message>
        <source>Measured</source>
        <translation>Gemeten</translation>
    </message>
    <message>
        <source>Expected (tolerance)</source>
        <translation>Verwacht (tolerantie)</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <source>Dry zero air for %1, then humidified zero air for %2. Sets the reference resistance of each gas sensor and measures its response to humidity.</source>
        <translation>Droge nullucht gedurende %1, daarna bevochtigde nullucht gedurende %2. Legt de referentieweerstand van elke gassensor vast en meet zijn respons op vocht.</translation>
    </message>
    <message>
        <source>Calibrate again</source>
        <translation>Opnieuw kalibreren</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Terug</translation>
    </message>
    <message>
        <source>Check that no subject is connected and the mask port is capped.</source>
        <translation>Controleer dat er niemand op het toestel is aangesloten en dat de maskeraansluiting is afgedopt.</translation>
    </message>
    <message>
        <source>Connect the zero-air cylinder to the zero-air inlet and open it to 250 sccm.</source>
        <translation>Sluit de nulluchtcilinder aan op de nulluchtinlaat en stel het debiet in op 250 sccm.</translation>
    </message>
    <message>
        <source>Connect the reference-gas cylinder to the reference inlet; note its lot number and expiry.</source>
        <translation>Sluit de referentiegascilinder aan op de referentie-inlaat; noteer het lotnummer en de vervaldatum.</translation>
    </message>
    <message>
        <source>After %1 of dry zero air the device switches by itself to humidified zero air (inlet 4: the same zero air through its calibration humidifier) for %2. Leave the zero-air cylinder open until the end.</source>
        <translation>Na %1 droge nullucht schakelt het toestel zelf over op bevochtigde nullucht (inlaat 4: dezelfde nullucht via de kalibratiebevochtiger) gedurende %2. Laat de nulluchtcilinder open tot het einde.</translation>
    </message>
    <message>
        <source>The sensors must be warm: the device waits for the warm-up before recording.</source>
        <translation>De sensoren moeten warm zijn: het toestel wacht tot de opwarming klaar is voor het opneemt.</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Volgende</translation>
    </message>
    <message>
        <source>Start calibration</source>
        <translation>Kalibratie starten</translation>
    </message>
    <message>
        <source>%1 remaining</source>
        <translation>nog %1</translation>
    </message>
    <message>
        <source>Waiting for the sensors to warm up...</source>
        <translation>De sensoren warmen op…</translation>
    </message>
    <message>
        <source>Checking against tolerance...</source>
        <translation>Vergelijken met de tolerantie…</translation>
    </message>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation>Stap %1 van %2: %3</translation>
    </message>
    <message>
        <source>Dry zero air: the baseline of every gas sensor.</source>
        <translation>Droge nullucht: de basislijn van elke gassensor.</translation>
    </message>
    <message>
        <source>Humidified zero air (inlet 4): how much each gas sensor responds to humidity.</source>
        <translation>Bevochtigde nullucht (inlaat 4): hoe sterk elke gassensor op vocht reageert.</translation>
    </message>
    <message>
        <source>Reference gas: the response of every gas sensor.</source>
        <translation>Referentiegas: de respons van elke gassensor.</translation>
    </message>
    <message>
        <source>Zero air again: the sensors return to their baseline.</source>
        <translation>Opnieuw nullucht: de sensoren keren terug naar hun basislijn.</translation>
    </message>
    <message>
        <source>Zero air (ohm)</source>
        <translation>Nullucht (ohm)</translation>
    </message>
    <message>
        <source>Humidity sensitivity (per % RH)</source>
        <translation>Vochtgevoeligheid (per % RV)</translation>
    </message>
    <message>
        <source>Humidity check</source>
        <translation>Vochtcontrole</translation>
    </message>
    <message>
        <source>Not calibrated</source>
        <translation>Niet gekalibreerd</translation>
    </message>
    <message>
        <source>The device did not answer: %1</source>
        <translation>Het toestel antwoordde niet: %1</translation>
    </message>
    <message>
        <source>The recording stopped early (%1); it is kept as session %2 but gives no calibration.</source>
        <translation>De opname stopte te vroeg (%1); ze is bewaard als sessie %2 maar levert geen kalibratie op.</translation>
    </message>
    <message>
        <source>Recorded, no verdict available</source>
        <translation>Opgenomen, geen oordeel beschikbaar</translation>
    </message>
    <message>
        <source>The calibration was recorded as session %1, but this version cannot judge it: the calibration module (enose.signal) is not installed. No calibration record was written, so the device&apos;s previous calibration stays in force.</source>
        <translation>De kalibratie is opgenomen als sessie %1, maar deze versie kan ze niet beoordelen: de kalibratiemodule (enose.signal) is niet geïnstalleerd. Er is geen kalibratie vastgelegd; de vorige kalibratie van het toestel blijft van kracht.</translation>
    </message>
    <message>
        <source>Passed, humidity response not measured</source>
        <translation>Geslaagd, vochtrespons niet gemeten</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>Geslaagd</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Mislukt</translation>
    </message>
    <message>
        <source>Recorded as session %1; calibration record %2.</source>
        <translation>Opgenomen als sessie %1; kalibratiegegeven %2.</translation>
    </message>
    <message>
        <source>the device refused the humidified zero-air inlet (its firmware is older than ICD revision 1.1)</source>
        <translation>het toestel weigerde de inlaat voor bevochtigde nullucht (de firmware is ouder dan ICD-revisie 1.1)</translation>
    </message>
    <message>
        <source>Humidity response measured: dry zero air reached %1 % RH, humidified zero air %2 % RH.</source>
        <translation>Vochtrespons gemeten: droge nullucht bereikte %1 % RV, bevochtigde nullucht %2 % RV.</translation>
    </message>
    <message>
        <source>Humidity response failed: dry zero air reached %1 % RH, humidified zero air %2 % RH.</source>
        <translation>Vochtrespons niet in orde: droge nullucht bereikte %1 % RV, bevochtigde nullucht %2 % RV.</translation>
    </message>
    <message>
        <source>A plausible sensitivity is %1 to %2 per % RH.</source>
        <translation>Een plausibele gevoeligheid ligt tussen %1 en %2 per % RV.</translation>
    </message>
    <message>
        <source>the humidified step was too small to measure</source>
        <translation>de bevochtigde stap was te klein om te meten</translation>
    </message>
    <message>
        <source>no signal</source>
        <translation>geen signaal</translation>
    </message>
    <message>
        <source>implausibly low (below %1)</source>
        <translation>onwaarschijnlijk laag (onder %1)</translation>
    </message>
    <message>
        <source>implausibly high (above %1)</source>
        <translation>onwaarschijnlijk hoog (boven %1)</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>niet gemeten</translation>
    </message>
    <message>
        <source>fail: %1</source>
        <translation>niet in orde: %1</translation>
    </message>
    <message>
        <source>%1 (not assessable: the gas barely moves this sensor)</source>
        <translation>%1 (niet te beoordelen: het gas beïnvloedt deze sensor nauwelijks)</translation>
    </message>
    <message>
        <source>%1 (response ± %2 %)</source>
        <translation>%1 (respons ± %2 %)</translation>
    </message>
    <message>
        <source>not assessable</source>
        <translation>niet te beoordelen</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>in orde</translation>
    </message>
    <message>
        <source>Humidity response not measured: %1. Screenings on this unit will get no risk zone until it has ICD revision 1.1 firmware (humidified zero air) and is calibrated with zero air again.</source>
        <translation>Vochtrespons niet gemeten: %1. Screenings op dit toestel krijgen geen risicozone tot het firmware van ICD-revisie 1.1 (bevochtigde nullucht) heeft en opnieuw met nullucht gekalibreerd is.</translation>
    </message>
    <message>
        <source>The humidified step was too small to measure: it must reach %1 % RH and rise by at least %2 points. Check the humidifier and calibrate again.</source>
        <translation>De bevochtigde stap was te klein om te meten: hij moet %1 % RV bereiken en minstens %2 punten stijgen. Controleer de bevochtiger en kalibreer opnieuw.</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>niet in orde</translation>
    </message>
</context>
<context>
    <name>Channels</name>
    <message>
        <source>gas sensor (MOX)</source>
        <translation>gassensor (MOX)</translation>
    </message>
    <message>
        <source>temperature</source>
        <translation>temperatuur</translation>
    </message>
    <message>
        <source>humidity</source>
        <translation>vochtigheid</translation>
    </message>
    <message>
        <source>mask pressure</source>
        <translation>maskerdruk</translation>
    </message>
    <message>
        <source>CO2 (capnogram)</source>
        <translation>CO2 (capnogram)</translation>
    </message>
</context>
<context>
    <name>ChecklistPage</name>
    <message>
        <source>Before the test</source>
        <translation>Voor de test</translation>
    </message>
    <message>
        <source>Following the ERS technical standard on exhaled breath analysis, check each point with the person before recording.</source>
        <translation>Controleer volgens de technische ERS-standaard voor analyse van uitgeademde lucht elk punt met de persoon voor de opname.</translation>
    </message>
    <message>
        <source>No food or drink other than water in the last hour</source>
        <translation>Het afgelopen uur niets gegeten of gedronken behalve water</translation>
    </message>
    <message>
        <source>No smoking or vaping in the last hour</source>
        <translation>Het afgelopen uur niet gerookt of gevapet</translation>
    </message>
    <message>
        <source>No strenuous exercise in the last hour</source>
        <translation>Het afgelopen uur geen zware inspanning</translation>
    </message>
    <message>
        <source>Mask fitted: no leak around the edges while breathing calmly</source>
        <translation>Masker goed aangebracht: geen lek langs de randen bij rustig ademen</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Toestel</translation>
    </message>
</context>
<context>
    <name>DevicePanel</name>
    <message>
        <source>Device</source>
        <translation>Toestel</translation>
    </message>
    <message>
        <source>Connect and read</source>
        <translation>Verbinden en uitlezen</translation>
    </message>
    <message>
        <source>Run self-test</source>
        <translation>Zelftest uitvoeren</translation>
    </message>
    <message>
        <source>Device information</source>
        <translation>Toestelgegevens</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Serienummer</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <source>Fastest sampling</source>
        <translation>Snelste bemonstering</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanalen</translation>
    </message>
    <message>
        <source>Channel layout</source>
        <translation>Kanaalindeling</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Eenheid</translation>
    </message>
    <message>
        <source>Self-test</source>
        <translation>Zelftest</translation>
    </message>
    <message>
        <source>Not run yet</source>
        <translation>Nog niet uitgevoerd</translation>
    </message>
    <message>
        <source>Connecting...</source>
        <translation>Verbinden…</translation>
    </message>
    <message>
        <source>Self-test running...</source>
        <translation>Zelftest bezig…</translation>
    </message>
    <message>
        <source>Connected: the device answered.</source>
        <translation>Verbonden: het toestel antwoordde.</translation>
    </message>
    <message>
        <source>The device did not answer: %1</source>
        <translation>Het toestel antwoordde niet: %1</translation>
    </message>
    <message>
        <source>%1 ms per sample</source>
        <translation>%1 ms per meetpunt</translation>
    </message>
    <message>
        <source>Self-test passed</source>
        <translation>Zelftest geslaagd</translation>
    </message>
    <message>
        <source>Self-test failed</source>
        <translation>Zelftest mislukt</translation>
    </message>
</context>
<context>
    <name>DevicePicker</name>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Built-in emulator (no device needed)</source>
        <translation>Ingebouwde emulator (geen toestel nodig)</translation>
    </message>
    <message>
        <source>No device is plugged in. The built-in emulator lets you try every step of the software.</source>
        <translation>Er is geen toestel aangesloten. Met de ingebouwde emulator kunt u elke stap van de software uitproberen.</translation>
    </message>
</context>
<context>
    <name>Diagnosis</name>
    <message>
        <source>adenocarcinoma</source>
        <translation>adenocarcinoom</translation>
    </message>
    <message>
        <source>squamous cell carcinoma</source>
        <translation>plaveiselcelcarcinoom</translation>
    </message>
    <message>
        <source>small-cell lung cancer</source>
        <translation>kleincellig longcarcinoom</translation>
    </message>
    <message>
        <source>large-cell carcinoma</source>
        <translation>grootcellig carcinoom</translation>
    </message>
    <message>
        <source>other</source>
        <translation>andere</translation>
    </message>
    <message>
        <source>pathology report</source>
        <translation>pathologieverslag</translation>
    </message>
    <message>
        <source>multidisciplinary team meeting</source>
        <translation>multidisciplinair overleg</translation>
    </message>
    <message>
        <source>2-year follow-up without cancer</source>
        <translation>2 jaar opvolging zonder kanker</translation>
    </message>
    <message>
        <source>simulated</source>
        <translation>gesimuleerd</translation>
    </message>
</context>
<context>
    <name>DriftView</name>
    <message>
        <source>Drift and calibration history</source>
        <translation>Drift en kalibratiegeschiedenis</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Toestel</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Bediener</translation>
    </message>
    <message>
        <source>No device has been used yet.</source>
        <translation>Er is nog geen toestel gebruikt.</translation>
    </message>
    <message>
        <source>No device</source>
        <translation>Geen toestel</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>geslaagd</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>mislukt</translation>
    </message>
    <message>
        <source>Drift chart not available</source>
        <translation>Driftkaart niet beschikbaar</translation>
    </message>
    <message>
        <source>The drift control chart comes from the signal module (enose.signal), which is not installed in this version; the calibration history below is what has been stored.</source>
        <translation>De driftcontrolekaart komt uit de signaalmodule (enose.signal), die in deze versie niet geïnstalleerd is; hieronder staat de opgeslagen kalibratiegeschiedenis.</translation>
    </message>
    <message>
        <source>Zero-air baseline, %1 (EWMA)</source>
        <translation>Nulluchtbasislijn, %1 (EWMA)</translation>
    </message>
    <message>
        <source>Zero-air baseline, %1</source>
        <translation>Nulluchtbasislijn, %1</translation>
    </message>
    <message>
        <source>Humidity sensitivity, %1 (EWMA)</source>
        <translation>Vochtgevoeligheid, %1 (EWMA)</translation>
    </message>
    <message>
        <source>Humidity sensitivity, %1</source>
        <translation>Vochtgevoeligheid, %1</translation>
    </message>
    <message>
        <source>per % RH</source>
        <translation>per % RV</translation>
    </message>
    <message>
        <source>Recalibration due</source>
        <translation>Herkalibratie nodig</translation>
    </message>
    <message>
        <source>Within control limits</source>
        <translation>Binnen de controlegrenzen</translation>
    </message>
    <message>
        <source>No passing zero-air calibration yet: the drift chart starts with the first one.</source>
        <translation>Nog geen geslaagde nulluchtkalibratie: de driftkaart begint bij de eerste.</translation>
    </message>
    <message>
        <source>No humidity response measured yet: screenings on this unit get no risk zone until a zero-air calibration measures it (ICD revision 1.1 firmware, humidified zero air).</source>
        <translation>Nog geen vochtrespons gemeten: screenings op dit toestel krijgen geen risicozone tot een nulluchtkalibratie ze meet (firmware van ICD-revisie 1.1, bevochtigde nullucht).</translation>
    </message>
    <message>
        <source>the zero-air baseline left its control limits</source>
        <translation>de nulluchtbasislijn is buiten de controlegrenzen geraakt</translation>
    </message>
    <message>
        <source>the reference response left its control limits</source>
        <translation>de referentierespons is buiten de controlegrenzen geraakt</translation>
    </message>
    <message>
        <source>the humidity sensitivity left its control limits</source>
        <translation>de vochtgevoeligheid is buiten de controlegrenzen geraakt</translation>
    </message>
    <message>
        <source>the last calibration is too old</source>
        <translation>de laatste kalibratie is te oud</translation>
    </message>
    <message>
        <source>a channel gave no value at the last calibration</source>
        <translation>een kanaal gaf geen waarde bij de laatste kalibratie</translation>
    </message>
    <message>
        <source>no passing zero-air calibration</source>
        <translation>geen geslaagde nulluchtkalibratie</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>Exporteren</translation>
    </message>
    <message>
        <source>Export %1 sessions</source>
        <translation>%1 sessies exporteren</translation>
    </message>
    <message>
        <source>Also write the features table (features.csv)</source>
        <translation>Ook de kenmerkentabel schrijven (features.csv)</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Formaat</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>Kenmerken</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Map</translation>
    </message>
    <message>
        <source>Choose...</source>
        <translation>Kiezen…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>Exportmap</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>First start</source>
        <translation>Eerste start</translation>
    </message>
    <message>
        <source>Create the administrator account</source>
        <translation>Het beheerdersaccount aanmaken</translation>
    </message>
    <message>
        <source>No account exists yet. The administrator signs in first and then creates an account for each clinician, technician and researcher.</source>
        <translation>Er bestaat nog geen account. De beheerder meldt zich eerst aan en maakt daarna een account voor elke clinicus, technicus en onderzoeker.</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Repeat the password</source>
        <translation>Wachtwoord herhalen</translation>
    </message>
    <message>
        <source>Create account</source>
        <translation>Account aanmaken</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Afsluiten</translation>
    </message>
</context>
<context>
    <name>LabelDialog</name>
    <message>
        <source>Confirmed diagnosis</source>
        <translation>Bevestigde diagnose</translation>
    </message>
    <message>
        <source>Confirmed diagnosis of %1</source>
        <translation>Bevestigde diagnose van %1</translation>
    </message>
    <message>
        <source>This is a correction: the diagnosis entered on %1 by %2 stays in the history and is marked as superseded.</source>
        <translation>Dit is een correctie: de diagnose die op %1 door %2 is ingevoerd, blijft in de geschiedenis en wordt als vervangen gemarkeerd.</translation>
    </message>
    <message>
        <source>Lung cancer confirmed</source>
        <translation>Longkanker bevestigd</translation>
    </message>
    <message>
        <source>No lung cancer</source>
        <translation>Geen longkanker</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Diagnose</translation>
    </message>
    <message>
        <source>Histology</source>
        <translation>Histologie</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stadium</translation>
    </message>
    <message>
        <source>Date of diagnosis</source>
        <translation>Datum van diagnose</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Bron</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <source>Save diagnosis</source>
        <translation>Diagnose opslaan</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Choose whether lung cancer was confirmed.</source>
        <translation>Geef aan of longkanker werd bevestigd.</translation>
    </message>
</context>
<context>
    <name>Link</name>
    <message>
        <source>streaming</source>
        <translation>meting bezig</translation>
    </message>
    <message>
        <source>connected, idle</source>
        <translation>verbonden, inactief</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>opnieuw verbinden</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>niet verbonden</translation>
    </message>
    <message>
        <source>link failed</source>
        <translation>verbinding mislukt</translation>
    </message>
</context>
<context>
    <name>LivePlot</name>
    <message>
        <source>Gas sensors, R/R0</source>
        <translation>Gassensoren, R/R0</translation>
    </message>
    <message>
        <source>CO2 (%)</source>
        <translation>CO2 (%)</translation>
    </message>
    <message>
        <source>Seconds before now</source>
        <translation>Seconden geleden</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Screen locked</source>
        <translation>Scherm vergrendeld</translation>
    </message>
    <message>
        <source>%1 is signed in. Enter this account&apos;s password to continue, or sign out.</source>
        <translation>%1 is aangemeld. Voer het wachtwoord van dit account in om verder te gaan, of meld u af.</translation>
    </message>
    <message>
        <source>A recording is in progress: it continues while the screen is locked.</source>
        <translation>Er loopt een opname: die gaat door terwijl het scherm vergrendeld is.</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Ontgrendelen</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Afmelden</translation>
    </message>
    <message>
        <source>Wrong password (or the account has been disabled).</source>
        <translation>Verkeerd wachtwoord (of het account is uitgeschakeld).</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>E-nose breath screening</source>
        <translation>E-nose ademscreening</translation>
    </message>
    <message>
        <source>%1 - %2 workspace</source>
        <translation>%1 - werkruimte %2</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Afmelden</translation>
    </message>
    <message>
        <source>Screening</source>
        <translation>Screening</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Toestel</translation>
    </message>
    <message>
        <source>Raw signals</source>
        <translation>Ruwe signalen</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Kalibratie</translation>
    </message>
    <message>
        <source>Drift</source>
        <translation>Drift</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sessies</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Bestand</translation>
    </message>
    <message>
        <source>Change my password...</source>
        <translation>Mijn wachtwoord wijzigen…</translation>
    </message>
    <message>
        <source>Lock screen</source>
        <translation>Scherm vergrendelen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Afsluiten</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Taal</translation>
    </message>
    <message>
        <source>&amp;Administration</source>
        <translation>B&amp;eheer</translation>
    </message>
    <message>
        <source>Accounts...</source>
        <translation>Accounts…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Over</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>Uw wachtwoord is gewijzigd.</translation>
    </message>
    <message>
        <source>E-nose breath screening %1

Open software for an electronic-nose breath test that helps decide whether a CT scan should be discussed. It is not a diagnosis. The bundled model was trained on simulated data and is not for clinical use.</source>
        <translation>E-nose ademscreening %1

Open software voor een ademtest met een elektronische neus, die helpt beslissen of een CT-scan besproken moet worden. Het is geen diagnose. Het meegeleverde model is getraind op gesimuleerde gegevens en is niet bedoeld voor klinisch gebruik.</translation>
    </message>
    <message>
        <source>Device: none chosen</source>
        <translation>Toestel: geen gekozen</translation>
    </message>
    <message>
        <source>built-in emulator</source>
        <translation>ingebouwde emulator</translation>
    </message>
    <message>
        <source>Device: %1, %2</source>
        <translation>Toestel: %1, %2</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Database: %1</translation>
    </message>
    <message>
        <source>Calibration: connect a device to see it</source>
        <translation>Kalibratie: verbind een toestel om ze te zien</translation>
    </message>
    <message>
        <source>Calibration: never calibrated</source>
        <translation>Kalibratie: nooit gekalibreerd</translation>
    </message>
    <message>
        <source>Calibration: last attempt failed (%1)</source>
        <translation>Kalibratie: laatste poging mislukt (%1)</translation>
    </message>
    <message>
        <source>Calibration: recalibration due (last %1)</source>
        <translation>Kalibratie: herkalibratie nodig (laatste %1)</translation>
    </message>
    <message>
        <source>Calibration: %1 on %2</source>
        <translation>Kalibratie: %1 op %2</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>Mijn wachtwoord wijzigen</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>Huidig wachtwoord</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nieuw wachtwoord</translation>
    </message>
    <message>
        <source>Repeat the new password</source>
        <translation>Nieuw wachtwoord herhalen</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>Wachtwoord wijzigen</translation>
    </message>
    <message>
        <source>New password for %1</source>
        <translation>Nieuw wachtwoord voor %1</translation>
    </message>
    <message>
        <source>Set password</source>
        <translation>Wachtwoord instellen</translation>
    </message>
    <message>
        <source>At least 12 characters, and hard to guess: a passphrase of four or more unrelated words is strong and easy to remember.</source>
        <translation>Minstens 12 tekens en moeilijk te raden: een wachtzin van vier of meer woorden die niets met elkaar te maken hebben, is sterk en gemakkelijk te onthouden.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
</context>
<context>
    <name>RawView</name>
    <message>
        <source>Raw signals</source>
        <translation>Ruwe signalen</translation>
    </message>
    <message>
        <source>Every channel as the device sends it, in its own unit. Nothing is recorded in this view.</source>
        <translation>Elk kanaal zoals het toestel het stuurt, in zijn eigen eenheid. In deze weergave wordt niets opgeslagen.</translation>
    </message>
    <message>
        <source>Start streaming</source>
        <translation>Meting starten</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Choose a device on the Device tab first.</source>
        <translation>Kies eerst een toestel op het tabblad Toestel.</translation>
    </message>
    <message>
        <source>Connecting...</source>
        <translation>Verbinden…</translation>
    </message>
    <message>
        <source>Streaming from %1</source>
        <translation>Meting van %1</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Gestopt.</translation>
    </message>
    <message>
        <source>The device did not answer: %1</source>
        <translation>Het toestel antwoordde niet: %1</translation>
    </message>
</context>
<context>
    <name>RecordingPage</name>
    <message>
        <source>Live quality</source>
        <translation>Kwaliteit live</translation>
    </message>
    <message>
        <source>Device link</source>
        <translation>Verbinding met toestel</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Gegevens</translation>
    </message>
    <message>
        <source>Sensors</source>
        <translation>Sensoren</translation>
    </message>
    <message>
        <source>Breathing</source>
        <translation>Ademhaling</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <source>Abort (keeps the data)</source>
        <translation>Afbreken (gegevens blijven bewaard)</translation>
    </message>
    <message>
        <source>Computing the result...</source>
        <translation>Resultaat wordt berekend…</translation>
    </message>
    <message>
        <source>The recording is complete. The person can remove the mask.</source>
        <translation>De opname is klaar. De persoon mag het masker afnemen.</translation>
    </message>
    <message>
        <source>Connecting to the device...</source>
        <translation>Verbinden met het toestel…</translation>
    </message>
    <message>
        <source>The sensors are warming up. The person waits without the mask.</source>
        <translation>De sensoren warmen op. De persoon wacht zonder masker.</translation>
    </message>
    <message>
        <source>The device samples room air. The person rests, mask not yet on the face.</source>
        <translation>Het toestel meet de kamerlucht. De persoon rust, nog zonder masker op.</translation>
    </message>
    <message>
        <source>Ask the person to breathe calmly and normally through the mask.</source>
        <translation>Vraag de persoon rustig en normaal door het masker te ademen.</translation>
    </message>
    <message>
        <source>The person can remove the mask. The device flushes with clean air.</source>
        <translation>De persoon mag het masker afnemen. Het toestel spoelt met schone lucht.</translation>
    </message>
    <message>
        <source>%1 remaining</source>
        <translation>nog %1</translation>
    </message>
    <message>
        <source>Breath cycles: %1 of %2</source>
        <translation>Ademcycli: %1 van %2</translation>
    </message>
    <message>
        <source>Streaming</source>
        <translation>Meting bezig</translation>
    </message>
    <message>
        <source>Reconnecting to the device...</source>
        <translation>Opnieuw verbinden met het toestel…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbonden</translation>
    </message>
    <message>
        <source>Device not connected: check the cable</source>
        <translation>Toestel niet verbonden: controleer de kabel</translation>
    </message>
    <message>
        <source>No samples lost</source>
        <translation>Geen meetpunten verloren</translation>
    </message>
    <message>
        <source>%1 samples lost, %2 interruptions</source>
        <translation>%1 meetpunten verloren, %2 onderbrekingen</translation>
    </message>
    <message>
        <source>The database cannot be written; samples are kept in memory</source>
        <translation>De database kan niet worden beschreven; de meetpunten blijven in het geheugen</translation>
    </message>
    <message>
        <source>Saved continuously</source>
        <translation>Wordt doorlopend opgeslagen</translation>
    </message>
    <message>
        <source>No data from %1</source>
        <translation>Geen gegevens van %1</translation>
    </message>
    <message>
        <source>All %1 gas sensors respond</source>
        <translation>Alle %1 gassensoren reageren</translation>
    </message>
    <message>
        <source>Exhaled CO2 seen (peaks %1 %)</source>
        <translation>Uitgeademde CO2 gezien (pieken %1 %)</translation>
    </message>
    <message>
        <source>Waiting for the first breaths...</source>
        <translation>Wachten op de eerste ademhalingen…</translation>
    </message>
    <message>
        <source>No exhaled CO2: check the mask fit</source>
        <translation>Geen uitgeademde CO2: controleer of het masker goed aansluit</translation>
    </message>
    <message>
        <source>Checked during the breath phase</source>
        <translation>Wordt gecontroleerd tijdens de ademfase</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>Green: no breath signal of lung cancer at this visit</source>
        <extracomment>What the screen and the report show instead of a zone when the core kept the probability for the record only (``score[&quot;no_zone&quot;]`` has reasons; the stored zone is then &quot;inconclusive&quot;).</extracomment>
        <translation>Groen: geen ademsignaal van longkanker bij dit bezoek</translation>
    </message>
    <message>
        <source>Orange: discuss with the clinician</source>
        <translation>Oranje: bespreken met de arts</translation>
    </message>
    <message>
        <source>Red: refer for a CT scan</source>
        <translation>Rood: doorverwijzen voor een CT-scan</translation>
    </message>
    <message>
        <source>Inconclusive: repeat the test</source>
        <translation>Onbeslist: herhaal de test</translation>
    </message>
    <message>
        <source>No result: the recording failed its quality check</source>
        <translation>Geen resultaat: de opname doorstond de kwaliteitscontrole niet</translation>
    </message>
    <message>
        <source>No zone: the probability is kept for the record only</source>
        <translation>Geen zone: de kans wordt alleen voor het dossier bewaard</translation>
    </message>
    <message>
        <source>No result could be given</source>
        <translation>Er kon geen resultaat worden gegeven</translation>
    </message>
    <message>
        <source>Your breath showed no sign that points to lung cancer today. Keep to your usual follow-up and see your doctor if you have new symptoms such as a lasting cough, blood when coughing, breathlessness or weight loss.</source>
        <translation>Uw adem toonde vandaag geen teken dat op longkanker wijst. Volg uw gewone opvolging en ga naar uw arts als u nieuwe klachten krijgt, zoals aanhoudend hoesten, bloed ophoesten, kortademigheid of gewichtsverlies.</translation>
    </message>
    <message>
        <source>Your result is in between. Your clinician will discuss it with you and may suggest repeating the breath test or other examinations.</source>
        <translation>Uw resultaat ligt ertussenin. Uw arts bespreekt het met u en kan voorstellen de ademtest te herhalen of andere onderzoeken te doen.</translation>
    </message>
    <message>
        <source>Your breath test suggests that a closer look is worthwhile. Your clinician will propose a low-dose CT scan of the chest. Most people referred this way do not have cancer.</source>
        <translation>Uw ademtest wijst erop dat verder onderzoek zinvol is. Uw arts zal een lage-dosis CT-scan van de borstkas voorstellen. De meeste mensen die zo worden doorverwezen, hebben geen kanker.</translation>
    </message>
    <message>
        <source>Your breath sample could not be interpreted reliably. This says nothing about your health; the test should simply be repeated.</source>
        <translation>Uw ademstaal kon niet betrouwbaar worden beoordeeld. Dat zegt niets over uw gezondheid; de test moet gewoon worden herhaald.</translation>
    </message>
    <message>
        <source>The recording was not good enough to give a result (for example, air leaked around the mask). This says nothing about your health; the test should simply be repeated.</source>
        <translation>De opname was niet goed genoeg voor een resultaat (er lekte bijvoorbeeld lucht langs het masker). Dat zegt niets over uw gezondheid; de test moet gewoon worden herhaald.</translation>
    </message>
    <message>
        <source>No result zone could be given for this test because of how the device was set up, not because of your breath sample. This says nothing about your health; your clinician will tell you what happens next.</source>
        <translation>Voor deze test kon geen resultaatzone worden gegeven, door de instelling van het toestel en niet door uw ademstaal. Dat zegt niets over uw gezondheid; uw arts vertelt u wat er nu gebeurt.</translation>
    </message>
    <message>
        <source>No result could be given for this test. Your clinician will tell you what happens next.</source>
        <translation>Voor deze test kon geen resultaat worden gegeven. Uw arts vertelt u wat er nu gebeurt.</translation>
    </message>
    <message>
        <source>The session lacks a baseline or breath phase, or it is too short.</source>
        <translation>De sessie mist een basislijn- of ademfase, of is te kort.</translation>
    </message>
    <message>
        <source>The device has no channel of a kind the analysis needs.</source>
        <translation>Het toestel heeft een kanaal niet dat de analyse nodig heeft.</translation>
    </message>
    <message>
        <source>The sensors were still warming up during the measurement.</source>
        <translation>De sensoren waren tijdens de meting nog aan het opwarmen.</translation>
    </message>
    <message>
        <source>The sensor baseline was unstable before the breath sample.</source>
        <translation>De basislijn van de sensoren was onstabiel voor het ademstaal.</translation>
    </message>
    <message>
        <source>Too few valid breath cycles were recorded.</source>
        <translation>Er werden te weinig geldige ademcycli opgenomen.</translation>
    </message>
    <message>
        <source>A sensor channel gave no data.</source>
        <translation>Een sensorkanaal gaf geen gegevens.</translation>
    </message>
    <message>
        <source>A sensor channel was saturated.</source>
        <translation>Een sensorkanaal was verzadigd.</translation>
    </message>
    <message>
        <source>A sensor channel did not change at all.</source>
        <translation>Een sensorkanaal veranderde helemaal niet.</translation>
    </message>
    <message>
        <source>The room humidity was outside the allowed range.</source>
        <translation>De vochtigheid in de kamer lag buiten het toegelaten bereik.</translation>
    </message>
    <message>
        <source>The sensor cell temperature was outside the allowed range.</source>
        <translation>De temperatuur van de meetcel lag buiten het toegelaten bereik.</translation>
    </message>
    <message>
        <source>The room air was contaminated with volatile compounds.</source>
        <translation>De kamerlucht was verontreinigd met vluchtige stoffen.</translation>
    </message>
    <message>
        <source>Too many samples were lost during the recording.</source>
        <translation>Tijdens de opname gingen te veel meetpunten verloren.</translation>
    </message>
    <message>
        <source>The recording was interrupted during the breath sample.</source>
        <translation>De opname werd onderbroken tijdens het ademstaal.</translation>
    </message>
    <message>
        <source>The recording was interrupted outside the breath sample.</source>
        <translation>De opname werd onderbroken buiten het ademstaal.</translation>
    </message>
    <message>
        <source>The device reported a heater, pump or flow fault.</source>
        <translation>Het toestel meldde een fout van verwarming, pomp of debiet.</translation>
    </message>
    <message>
        <source>The session has no purge phase; recovery features are missing.</source>
        <translation>De sessie heeft geen spoelfase; de herstelkenmerken ontbreken.</translation>
    </message>
    <message>
        <source>The device had no recent zero-air calibration when the session was recorded.</source>
        <translation>Het toestel had geen recente nulluchtkalibratie toen de sessie werd opgenomen.</translation>
    </message>
    <message>
        <source>raises the estimated risk</source>
        <translation>verhoogt het geschatte risico</translation>
    </message>
    <message>
        <source>lowers the estimated risk</source>
        <translation>verlaagt het geschatte risico</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Leeftijd</translation>
    </message>
    <message>
        <source>Pack-years of smoking</source>
        <translation>Pakjaren roken</translation>
    </message>
    <message>
        <source>COPD</source>
        <translation>COPD</translation>
    </message>
    <message>
        <source>Previous cancer</source>
        <translation>Eerdere kanker</translation>
    </message>
    <message>
        <source>Male sex</source>
        <translation>Mannelijk geslacht</translation>
    </message>
    <message>
        <source>Currently smoking</source>
        <translation>Rookt momenteel</translation>
    </message>
    <message>
        <source>%1 not recorded (a typical value was used)</source>
        <translation>%1 niet ingevuld (er werd een typische waarde gebruikt)</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <source>Breath measurement %1 higher than typical</source>
        <translation>Ademmeting %1 hoger dan gebruikelijk</translation>
    </message>
    <message>
        <source>Breath measurement %1 lower than typical</source>
        <translation>Ademmeting %1 lager dan gebruikelijk</translation>
    </message>
    <message>
        <source>Device %1 was not among the units this model was trained on. Its humidity calibration and the model&apos;s gain-free inputs make units at one site agree; a site whose room air differs from the training sites&apos; can still move the probability and the zone (see the model card).</source>
        <translation>Toestel %1 hoorde niet bij de eenheden waarop dit model is getraind. Door de vochtigheidskalibratie en de van de sensorversterking onafhankelijke invoer van het model stemmen eenheden op dezelfde locatie overeen; op een locatie waar de kamerlucht verschilt van die van de trainingslocaties kunnen de kans en de zone nog verschuiven (zie de modelkaart).</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>basislijn</translation>
    </message>
    <message>
        <source>breath</source>
        <translation>ademhaling</translation>
    </message>
    <message>
        <source>purge</source>
        <translation>spoeling</translation>
    </message>
    <message>
        <source>The %1 phase lasted %2 s but this model was trained on %3 s: repeat the test with the standard protocol.</source>
        <translation>De fase %1 duurde %2 s, maar dit model is getraind op %3 s: herhaal de test met het standaardprotocol.</translation>
    </message>
    <message>
        <source>Device %1 had no humidity calibration in force when this session was recorded: it had no passing zero-air calibration. A technician must calibrate it with zero air before the next screening.</source>
        <translation>Toestel %1 had geen geldige vochtkalibratie toen deze sessie werd opgenomen: het had geen geslaagde nulluchtkalibratie. Een technicus moet het toestel met nullucht kalibreren vóór de volgende screening.</translation>
    </message>
    <message>
        <source>Device %1 had no humidity calibration in force when this session was recorded: its firmware lacks the humidifier (humidified zero air, ICD revision 1.1), so its zero-air calibration could not measure the humidity response. A technician must update the firmware and calibrate it with zero air.</source>
        <translation>Toestel %1 had geen geldige vochtkalibratie toen deze sessie werd opgenomen: de firmware heeft geen bevochtiger (bevochtigde nullucht, ICD-revisie 1.1), dus de nulluchtkalibratie kon de vochtgevoeligheid niet meten. Een technicus moet de firmware bijwerken en het toestel met nullucht kalibreren.</translation>
    </message>
    <message>
        <source>number of valid breaths</source>
        <translation>aantal geldige ademhalingen</translation>
    </message>
    <message>
        <source>breathing rate</source>
        <translation>ademfrequentie</translation>
    </message>
    <message>
        <source>end-tidal CO2</source>
        <translation>eind-expiratoire CO2</translation>
    </message>
    <message>
        <source>breath humidity</source>
        <translation>vochtigheid van de adem</translation>
    </message>
    <message>
        <source>room humidity</source>
        <translation>vochtigheid van de kamer</translation>
    </message>
    <message>
        <source>breath response</source>
        <translation>respons op de adem</translation>
    </message>
    <message>
        <source>breath response (log scale)</source>
        <translation>respons op de adem (logschaal)</translation>
    </message>
    <message>
        <source>end-of-exhalation response</source>
        <translation>respons aan het einde van de uitademing</translation>
    </message>
    <message>
        <source>total response over the breath phase</source>
        <translation>totale respons over de ademfase</translation>
    </message>
    <message>
        <source>fastest rise</source>
        <translation>snelste stijging</translation>
    </message>
    <message>
        <source>level after the clean-air purge</source>
        <translation>niveau na het spoelen met schone lucht</translation>
    </message>
    <message>
        <source>recovery time in clean air</source>
        <translation>hersteltijd in schone lucht</translation>
    </message>
    <message>
        <source>room-air level</source>
        <translation>niveau in de kamerlucht</translation>
    </message>
    <message>
        <source>breath level against room air</source>
        <translation>niveau in de adem ten opzichte van de kamerlucht</translation>
    </message>
    <message>
        <source>end-of-exhalation level against room air</source>
        <translation>niveau aan het einde van de uitademing ten opzichte van de kamerlucht</translation>
    </message>
    <message>
        <source>fast</source>
        <translation>snel</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>middel</translation>
    </message>
    <message>
        <source>slow</source>
        <translation>traag</translation>
    </message>
    <message>
        <source>onset speed</source>
        <translation>aanloopsnelheid</translation>
    </message>
    <message>
        <source>clearing speed</source>
        <translation>opschoonsnelheid</translation>
    </message>
    <message>
        <source>gas sensor %1: %2</source>
        <translation>gassensor %1: %2</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>niet ingevuld</translation>
    </message>
    <message>
        <source>This test is not a diagnosis. It helps you and your clinician decide whether further examinations are useful. It does not replace a CT scan or a doctor&apos;s judgement.</source>
        <translation>Deze test is geen diagnose. Hij helpt u en uw arts te beslissen of verder onderzoek zinvol is. Hij vervangt geen CT-scan en geen oordeel van een arts.</translation>
    </message>
    <message>
        <source>Research prototype: the risk model supplied with this software was trained on simulated data and is not for clinical use.</source>
        <translation>Onderzoeksprototype: het risicomodel bij deze software is getraind op gesimuleerde gegevens en is niet bedoeld voor klinisch gebruik.</translation>
    </message>
    <message>
        <source>Your breath test result</source>
        <translation>Resultaat van uw ademtest</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>What this means</source>
        <translation>Wat dit betekent</translation>
    </message>
    <message>
        <source>Important</source>
        <translation>Belangrijk</translation>
    </message>
    <message>
        <source>If you have questions, ask the clinician who did the test with you.</source>
        <translation>Hebt u vragen, stel ze dan aan de arts die de test met u heeft gedaan.</translation>
    </message>
    <message>
        <source>Breath screening - clinician report</source>
        <translation>Ademscreening - verslag voor de arts</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <source>Not a diagnosis.</source>
        <translation>Geen diagnose.</translation>
    </message>
    <message>
        <source>female</source>
        <translation>vrouw</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>bezig</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>volledig</translation>
    </message>
    <message>
        <source>aborted</source>
        <translation>afgebroken</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>onderbroken</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>mislukt</translation>
    </message>
    <message>
        <source>male</source>
        <translation>man</translation>
    </message>
    <message>
        <source>other / not stated</source>
        <translation>anders / niet opgegeven</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nooit</translation>
    </message>
    <message>
        <source>former</source>
        <translation>vroeger</translation>
    </message>
    <message>
        <source>current</source>
        <translation>huidig</translation>
    </message>
    <message>
        <source>Subject code</source>
        <translation>Deelnemerscode</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Geslacht</translation>
    </message>
    <message>
        <source>Smoking</source>
        <translation>Roken</translation>
    </message>
    <message>
        <source>Pack-years</source>
        <translation>Pakjaren</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sessie</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Opgenomen</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Toestel</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Bediener</translation>
    </message>
    <message>
        <source>Samples (lost, interruptions)</source>
        <translation>Meetpunten (verloren, onderbrekingen)</translation>
    </message>
    <message>
        <source>for the record only, not for a decision</source>
        <translation>alleen voor het dossier, niet voor een beslissing</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>Estimated probability</source>
        <translation>Geschatte kans</translation>
    </message>
    <message>
        <source>(90 % interval %1 to %2)</source>
        <translation>(90 %-interval %1 tot %2)</translation>
    </message>
    <message>
        <source>Zone thresholds</source>
        <translation>Zonegrenzen</translation>
    </message>
    <message>
        <source>green below %1, red from %2</source>
        <translation>groen onder %1, rood vanaf %2</translation>
    </message>
    <message>
        <source>Main contributing factors</source>
        <translation>Belangrijkste bijdragende factoren</translation>
    </message>
    <message>
        <source>Why no zone</source>
        <translation>Waarom geen zone</translation>
    </message>
    <message>
        <source>The recording did not run to its end (status: %1); repeat it.</source>
        <translation>De opname is niet tot het einde gelopen (status: %1); herhaal ze.</translation>
    </message>
    <message>
        <source>No risk model is installed.</source>
        <translation>Er is geen risicomodel geïnstalleerd.</translation>
    </message>
    <message>
        <source>The risk model cannot score this recording: %1</source>
        <translation>Het risicomodel kan deze opname niet beoordelen: %1</translation>
    </message>
    <message>
        <source>The recording failed the quality gate (reasons below); repeat it.</source>
        <translation>De opname doorstond de kwaliteitscontrole niet (redenen hieronder); herhaal ze.</translation>
    </message>
    <message>
        <source>No score was computed.</source>
        <translation>Er is geen score berekend.</translation>
    </message>
    <message>
        <source>Why no score</source>
        <translation>Waarom geen score</translation>
    </message>
    <message>
        <source>blocks the score</source>
        <translation>blokkeert de score</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>waarschuwing</translation>
    </message>
    <message>
        <source>Quality gate</source>
        <translation>Kwaliteitscontrole</translation>
    </message>
    <message>
        <source>Model %1 (SHA-256 %2), software %3</source>
        <translation>Model %1 (SHA-256 %2), software %3</translation>
    </message>
</context>
<context>
    <name>ResearcherView</name>
    <message>
        <source>Sessions of the central study database</source>
        <translation>Sessies van de centrale studiedatabase</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sessies</translation>
    </message>
    <message>
        <source>This site&apos;s database</source>
        <translation>Database van deze site</translation>
    </message>
    <message>
        <source>Central database...</source>
        <translation>Centrale database...</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Van</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Tot</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Toestel</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Centrum</translation>
    </message>
    <message>
        <source>QC result</source>
        <translation>Kwaliteitscontrole</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Diagnose</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>any</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>geslaagd</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>mislukt</translation>
    </message>
    <message>
        <source>not computed</source>
        <translation>niet berekend</translation>
    </message>
    <message>
        <source>green</source>
        <translation>groen</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>oranje</translation>
    </message>
    <message>
        <source>red</source>
        <translation>rood</translation>
    </message>
    <message>
        <source>inconclusive</source>
        <translation>onbeslist</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>geblokkeerd</translation>
    </message>
    <message>
        <source>no score</source>
        <translation>geen score</translation>
    </message>
    <message>
        <source>no zone</source>
        <translation>geen zone</translation>
    </message>
    <message>
        <source>cancer</source>
        <translation>kanker</translation>
    </message>
    <message>
        <source>no cancer</source>
        <translation>geen kanker</translation>
    </message>
    <message>
        <source>not labelled</source>
        <translation>zonder diagnose</translation>
    </message>
    <message>
        <source>screening</source>
        <translation>screening</translation>
    </message>
    <message>
        <source>calibration</source>
        <translation>kalibratie</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filters wissen</translation>
    </message>
    <message>
        <source>Export selected...</source>
        <translation>Selectie exporteren…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Address of the central study database (your researcher role), e.g. postgresql://alice@db.example.org/enose</source>
        <translation>Adres van de centrale studiedatabase (uw onderzoekersrol), bv. postgresql://alice@db.example.org/enose</translation>
    </message>
    <message>
        <source>Cannot open the central database: %1</source>
        <translation>Kan de centrale database niet openen: %1</translation>
    </message>
    <message>
        <source>Matching sessions: %1</source>
        <translation>Gevonden sessies: %1</translation>
    </message>
    <message>
        <source>Exporting...</source>
        <translation>Bezig met exporteren…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporteren</translation>
    </message>
    <message>
        <source>Exporting session %1...</source>
        <translation>Sessie %1 wordt geëxporteerd…</translation>
    </message>
    <message>
        <source>Writing the features table...</source>
        <translation>Kenmerkentabel wordt geschreven…</translation>
    </message>
    <message>
        <source>%1 files written.</source>
        <translation>%1 bestanden geschreven.</translation>
    </message>
    <message>
        <source>Export cancelled; %1 files written.</source>
        <translation>Export geannuleerd; %1 bestanden geschreven.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export mislukt: %1</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>This result is not a diagnosis. It supports a conversation about whether a CT scan is useful. The bundled model was trained on simulated data: not for clinical use.</source>
        <translation>Dit resultaat is geen diagnose. Het ondersteunt een gesprek over het nut van een CT-scan. Het meegeleverde model is getraind op gesimuleerde gegevens: niet voor klinisch gebruik.</translation>
    </message>
    <message>
        <source>Save PDF report...</source>
        <translation>PDF-verslag opslaan…</translation>
    </message>
    <message>
        <source>Print...</source>
        <translation>Afdrukken…</translation>
    </message>
    <message>
        <source>Repeat the test</source>
        <translation>Test herhalen</translation>
    </message>
    <message>
        <source>New screening</source>
        <translation>Nieuwe screening</translation>
    </message>
    <message>
        <source>The recording was aborted. The %1 samples recorded are kept as session %2.</source>
        <translation>De opname werd afgebroken. De %1 opgenomen meetpunten zijn bewaard als sessie %2.</translation>
    </message>
    <message>
        <source>The device could not be reached: %1</source>
        <translation>Het toestel was niet bereikbaar: %1</translation>
    </message>
    <message>
        <source>The recording was interrupted (%1). What was recorded is kept as session %2.</source>
        <translation>De opname werd onderbroken (%1). Wat werd opgenomen, is bewaard als sessie %2.</translation>
    </message>
    <message>
        <source>Estimated probability %1 % (90 % interval %2 to %3 %), for the record only: no zone is given</source>
        <translation>Geschatte kans %1 % (90 %-interval %2 tot %3 %), alleen voor het dossier: er wordt geen zone gegeven</translation>
    </message>
    <message>
        <source>Estimated probability %1 % (90 % interval %2 to %3 %)</source>
        <translation>Geschatte kans %1 % (90 %-interval %2 tot %3 %)</translation>
    </message>
    <message>
        <source>Why no zone:</source>
        <translation>Waarom geen zone:</translation>
    </message>
    <message>
        <source>Main contributing factors:</source>
        <translation>Belangrijkste bijdragende factoren:</translation>
    </message>
    <message>
        <source>No score was given.</source>
        <translation>Er is geen score gegeven.</translation>
    </message>
    <message>
        <source>The recording did not run to its end; repeat it.</source>
        <translation>De opname is niet tot het einde gelopen; herhaal ze.</translation>
    </message>
    <message>
        <source>No risk model is installed.</source>
        <translation>Er is geen risicomodel geïnstalleerd.</translation>
    </message>
    <message>
        <source>The risk model cannot score this recording: %1</source>
        <translation>Het risicomodel kan deze opname niet beoordelen: %1</translation>
    </message>
    <message>
        <source>The recording failed the quality gate; repeat the test.</source>
        <translation>De opname doorstond de kwaliteitscontrole niet; herhaal de test.</translation>
    </message>
    <message>
        <source>Quality gate:</source>
        <translation>Kwaliteitscontrole:</translation>
    </message>
    <message>
        <source>blocks the score</source>
        <translation>blokkeert de score</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>waarschuwing</translation>
    </message>
    <message>
        <source>Model %1, software %2, session %3</source>
        <translation>Model %1, software %2, sessie %3</translation>
    </message>
    <message>
        <source>Software %1, session %2</source>
        <translation>Software %1, sessie %2</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>Verslag opslaan</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Administrator</source>
        <translation>Beheerder</translation>
    </message>
    <message>
        <source>Clinician</source>
        <translation>Clinicus</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>Technicus</translation>
    </message>
    <message>
        <source>Researcher</source>
        <translation>Onderzoeker</translation>
    </message>
</context>
<context>
    <name>ScreeningWizard</name>
    <message>
        <source>Subject</source>
        <translation>Deelnemer</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>Controlelijst</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Opname</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Terug</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Volgende</translation>
    </message>
    <message>
        <source>Start recording</source>
        <translation>Opname starten</translation>
    </message>
</context>
<context>
    <name>SessionDetail</name>
    <message>
        <source>Signals</source>
        <translation>Signalen</translation>
    </message>
    <message>
        <source>Quality and features</source>
        <translation>Kwaliteit en kenmerken</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Diagnose</translation>
    </message>
    <message>
        <source>Raw resistance</source>
        <translation>Ruwe weerstand</translation>
    </message>
    <message>
        <source>R/R0 (baseline)</source>
        <translation>R/R0 (basislijn)</translation>
    </message>
    <message>
        <source>CO2 (%)</source>
        <translation>CO2 (%)</translation>
    </message>
    <message>
        <source>Session time (s)</source>
        <translation>Sessietijd (s)</translation>
    </message>
    <message>
        <source>Feature</source>
        <translation>Kenmerk</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Waarde</translation>
    </message>
    <message>
        <source>Entered</source>
        <translation>Ingevoerd</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Door</translation>
    </message>
    <message>
        <source>Histology, stage</source>
        <translation>Histologie, stadium</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Bron</translation>
    </message>
    <message>
        <source>In force</source>
        <translation>Van kracht</translation>
    </message>
    <message>
        <source>Enter confirmed diagnosis...</source>
        <translation>Bevestigde diagnose invoeren…</translation>
    </message>
    <message>
        <source>The confirmed diagnosis becomes the training label of every session of this subject. Labels are never edited: a correction is a new entry that supersedes the old one.</source>
        <translation>De bevestigde diagnose wordt het trainingslabel van elke sessie van deze deelnemer. Labels worden nooit gewijzigd: een correctie is een nieuwe invoer die de oude vervangt.</translation>
    </message>
    <message>
        <source>Only a clinician or an administrator may enter a diagnosis.</source>
        <translation>Alleen een clinicus of een beheerder mag een diagnose invoeren.</translation>
    </message>
    <message>
        <source>Session %1</source>
        <translation>Sessie %1</translation>
    </message>
    <message>
        <source>Loading...</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <source>No session selected</source>
        <translation>Geen sessie gekozen</translation>
    </message>
    <message>
        <source>Select a session in the table to see its signals, features and diagnosis.</source>
        <translation>Kies een sessie in de tabel om haar signalen, kenmerken en diagnose te zien.</translation>
    </message>
    <message>
        <source>Subject %1, device %2, %3, %4 samples</source>
        <translation>Deelnemer %1, toestel %2, %3, %4 meetpunten</translation>
    </message>
    <message>
        <source>Quality gate: blocked</source>
        <translation>Kwaliteitscontrole: geblokkeerd</translation>
    </message>
    <message>
        <source>Quality gate: passed</source>
        <translation>Kwaliteitscontrole: geslaagd</translation>
    </message>
    <message>
        <source>cancer</source>
        <translation>kanker</translation>
    </message>
    <message>
        <source>no cancer</source>
        <translation>geen kanker</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>vervangen</translation>
    </message>
</context>
<context>
    <name>Sessions</name>
    <message>
        <source>screening</source>
        <translation>screening</translation>
    </message>
    <message>
        <source>calibration</source>
        <translation>kalibratie</translation>
    </message>
    <message>
        <source>no zone</source>
        <translation>geen zone</translation>
    </message>
    <message>
        <source>green</source>
        <translation>groen</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>oranje</translation>
    </message>
    <message>
        <source>red</source>
        <translation>rood</translation>
    </message>
    <message>
        <source>inconclusive</source>
        <translation>onbeslist</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>geblokkeerd</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sessie</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Deelnemer</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Toestel</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Centrum</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>QC</source>
        <translation>KC</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Diagnose</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>geslaagd</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>mislukt</translation>
    </message>
    <message>
        <source>cancer</source>
        <translation>kanker</translation>
    </message>
    <message>
        <source>no cancer</source>
        <translation>geen kanker</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>E-nose breath screening - sign in</source>
        <translation>E-nose ademscreening - aanmelden</translation>
    </message>
    <message>
        <source>E-nose breath screening</source>
        <translation>E-nose ademscreening</translation>
    </message>
    <message>
        <source>Sign in with your personal account. Every recording is stored under your name.</source>
        <translation>Meld u aan met uw persoonlijke account. Elke opname wordt onder uw naam bewaard.</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Work as</source>
        <translation>Werken als</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Aanmelden</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Afsluiten</translation>
    </message>
    <message>
        <source>Your account (%1) cannot open this workspace.</source>
        <translation>Uw account (%1) kan deze werkruimte niet openen.</translation>
    </message>
</context>
<context>
    <name>Steps</name>
    <message>
        <source>Connecting</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Sensor warm-up</source>
        <translation>Opwarmen van de sensoren</translation>
    </message>
    <message>
        <source>Baseline (room air)</source>
        <translation>Basislijn (kamerlucht)</translation>
    </message>
    <message>
        <source>Breathing into the mask</source>
        <translation>Ademen in het masker</translation>
    </message>
    <message>
        <source>Purge (clean air)</source>
        <translation>Spoelen (schone lucht)</translation>
    </message>
    <message>
        <source>Zero air</source>
        <translation>Nullucht</translation>
    </message>
    <message>
        <source>Humidified zero air</source>
        <translation>Bevochtigde nullucht</translation>
    </message>
    <message>
        <source>Reference gas</source>
        <translation>Referentiegas</translation>
    </message>
    <message>
        <source>Recovery (zero air)</source>
        <translation>Herstel (nullucht)</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Klaar</translation>
    </message>
    <message>
        <source>Aborted</source>
        <translation>Afgebroken</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Mislukt</translation>
    </message>
</context>
<context>
    <name>SubjectPage</name>
    <message>
        <source>Subject</source>
        <extracomment>The site&apos;s subject-code pattern (None: the project&apos;s default), the one the core enforces.</extracomment>
        <translation>Deelnemer</translation>
    </message>
    <message>
        <source>Enter the pseudonymous study code, never the person&apos;s name. The risk factors refine the estimate; leave a field as &apos;not recorded&apos; when it is unknown.</source>
        <translation>Voer de gepseudonimiseerde studiecode in, nooit de naam van de persoon. De risicofactoren verfijnen de schatting; laat een veld op &apos;niet ingevuld&apos; staan als het onbekend is.</translation>
    </message>
    <message>
        <source>Subject code</source>
        <translation>Deelnemerscode</translation>
    </message>
    <message>
        <source>Age (years)</source>
        <translation>Leeftijd (jaar)</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Geslacht</translation>
    </message>
    <message>
        <source>Smoking status</source>
        <translation>Rookgedrag</translation>
    </message>
    <message>
        <source>Pack-years</source>
        <translation>Pakjaren</translation>
    </message>
    <message>
        <source>COPD</source>
        <translation>COPD</translation>
    </message>
    <message>
        <source>Previous cancer</source>
        <translation>Eerdere kanker</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>niet ingevuld</translation>
    </message>
    <message>
        <source>female</source>
        <translation>vrouw</translation>
    </message>
    <message>
        <source>male</source>
        <translation>man</translation>
    </message>
    <message>
        <source>other / not stated</source>
        <translation>anders / niet opgegeven</translation>
    </message>
    <message>
        <source>never smoked</source>
        <translation>nooit gerookt</translation>
    </message>
    <message>
        <source>former smoker</source>
        <translation>ex-roker</translation>
    </message>
    <message>
        <source>current smoker</source>
        <translation>huidige roker</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <source>Not a study code: use 2 to 5 capital letters, &apos;-&apos;, then 3 to 6 digits (for example LIL-0042). Never a name, a date or a hospital number.</source>
        <translation>Geen studiecode: gebruik 2 tot 5 hoofdletters, &apos;-&apos;, dan 3 tot 6 cijfers (bijvoorbeeld LIL-0042). Nooit een naam, een datum of een ziekenhuisnummer.</translation>
    </message>
    <message>
        <source>Not a study code of this site: it must match %1. Never a name, a date or a hospital number.</source>
        <translation>Geen studiecode van deze site: de code moet overeenkomen met %1. Nooit een naam, een datum of een ziekenhuisnummer.</translation>
    </message>
</context>
</TS>
