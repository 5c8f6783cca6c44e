<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
<context>
    <name>Accounts</name>
    <message>
        <source>Choose a user name without spaces (at most 64 characters).</source>
        <translation>Choisissez un nom d&apos;utilisateur sans espace (64 caractères au plus).</translation>
    </message>
    <message>
        <source>Choose a role.</source>
        <translation>Choisissez un rôle.</translation>
    </message>
    <message>
        <source>The password must have at least 12 characters.</source>
        <translation>Le mot de passe doit comporter au moins 12 caractères.</translation>
    </message>
    <message>
        <source>This password is too easy to guess: use a longer passphrase of unrelated words.</source>
        <translation>Ce mot de passe est trop facile à deviner : choisissez une phrase de passe plus longue, faite de mots sans rapport entre eux.</translation>
    </message>
    <message>
        <source>Only an administrator may manage accounts.</source>
        <translation>Seul un administrateur peut gérer les comptes.</translation>
    </message>
    <message>
        <source>This account does not exist.</source>
        <translation>Ce compte n&apos;existe pas.</translation>
    </message>
    <message>
        <source>The current password is wrong; nothing was changed.</source>
        <translation>Le mot de passe actuel est erroné ; rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <source>This is the last active administrator: create another administrator first.</source>
        <translation>C&apos;est le dernier administrateur actif : créez d&apos;abord un autre administrateur.</translation>
    </message>
    <message>
        <source>Unknown user name or wrong password.</source>
        <translation>Nom d&apos;utilisateur inconnu ou mot de passe erroné.</translation>
    </message>
    <message>
        <source>This account is locked for %1 minutes after too many failed sign-ins; an administrator can unlock it sooner.</source>
        <translation>Ce compte est verrouillé pendant %1 minutes après trop d&apos;échecs de connexion ; un administrateur peut le déverrouiller plus tôt.</translation>
    </message>
    <message>
        <source>This account was changed outside the software, so sign-in is refused. An administrator restores the database from a backup.</source>
        <translation>Ce compte a été modifié en dehors du logiciel : la connexion est refusée. Un administrateur restaure la base de données à partir d&apos;une sauvegarde.</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Désactivé</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Verrouillé</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>This user name is already taken.</source>
        <translation>Ce nom d&apos;utilisateur est déjà pris.</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>Les deux mots de passe diffèrent.</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Nom d&apos;utilisateur</translation>
    </message>
    <message>
        <source>Initial password</source>
        <translation>Mot de passe initial</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Activer</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Désactiver</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <source>Set password...</source>
        <translation>Définir le mot de passe…</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>Nouveau compte</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>Ajouter le compte</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Account %1 disabled.</source>
        <translation>Compte %1 désactivé.</translation>
    </message>
    <message>
        <source>Account %1 enabled.</source>
        <translation>Compte %1 activé.</translation>
    </message>
    <message>
        <source>Account %1 unlocked.</source>
        <translation>Compte %1 déverrouillé.</translation>
    </message>
    <message>
        <source>New password set for %1.</source>
        <translation>Nouveau mot de passe défini pour %1.</translation>
    </message>
    <message>
        <source>Account %1 created.</source>
        <translation>Compte %1 créé.</translation>
    </message>
</context>
<context>
    <name>Calibration</name>
    <message>
        <source>Zero air</source>
        <translation>Air zéro</translation>
    </message>
    <message>
        <source>Reference gas</source>
        <translation>Gaz de référence</translation>
    </message>
    <message>
        <source>Self-test</source>
        <translation>Autotest</translation>
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
        <translation>Préparation</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Enregistrement</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <source>Which calibration?</source>
        <translation>Quel étalonnage ?</translation>
    </message>
    <message>
        <source>Zero air (baseline of every sensor)</source>
        <translation>Air zéro (ligne de base de chaque capteur)</translation>
    </message>
    <message>
        <source>Reference gas (response check)</source>
        <translation>Gaz de référence (contrôle de la réponse)</translation>
    </message>
    <message>
        <source>Zero air for %1, reference gas for %2, then zero air for %3. Checks every sensor&apos;s response against its tolerance.</source>
        <translation>Air zéro pendant %1, gaz de référence pendant %2, puis air zéro pendant %3. Vérifie la réponse de chaque capteur par rapport à sa tolérance.</translation>
    </message>
    <message>
        <source>Prepare the device</source>
        <translation>Préparer l&apos;appareil</translation>
    </message>
    <message>
        <source>Calibration in progress</source>
        <translation>Étalonnage en cours</translation>
    </message>
    <message>
        <source>Abort</source>
        <translation>Interrompre</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Voie</translation>
    </message>
    <message>
        <source>Measured</source>
        <translation>Mesuré</translation>
    </message>
    <message>
        <source>Expected (tolerance)</source>
        <translation>Attendu (tolérance)</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Dry zero air for %1, then humidified zero air for %2. Sets the reference resistance of each gas sensor and measures its response to humidity.</source>
        <translation>Air zéro sec pendant %1, puis air zéro humidifié pendant %2. Fixe la résistance de référence de chaque capteur de gaz et mesure sa réponse à l&apos;humidité.</translation>
    </message>
    <message>
        <source>Calibrate again</source>
        <translation>Étalonner à nouveau</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Retour</translation>
    </message>
    <message>
        <source>Check that no subject is connected and the mask port is capped.</source>
        <translation>Vérifiez qu&apos;aucune personne n&apos;est reliée à l&apos;appareil et que le port du masque est obturé.</translation>
    </message>
    <message>
        <source>Connect the zero-air cylinder to the zero-air inlet and open it to 250 sccm.</source>
        <translation>Raccordez la bouteille d&apos;air zéro à l&apos;entrée air zéro et réglez le débit à 250 sccm.</translation>
    </message>
    <message>
        <source>Connect the reference-gas cylinder to the reference inlet; note its lot number and expiry.</source>
        <translation>Raccordez la bouteille de gaz de référence à l&apos;entrée référence ; notez son numéro de lot et sa date de péremption.</translation>
    </message>
    <message>
        <source>After %1 of dry zero air the device switches by itself to humidified zero air (inlet 4: the same zero air through its calibration humidifier) for %2. Leave the zero-air cylinder open until the end.</source>
        <translation>Après %1 d&apos;air zéro sec, l&apos;appareil passe de lui-même à l&apos;air zéro humidifié (entrée 4 : le même air zéro à travers son humidificateur d&apos;étalonnage) pendant %2. Laissez la bouteille d&apos;air zéro ouverte jusqu&apos;à la fin.</translation>
    </message>
    <message>
        <source>The sensors must be warm: the device waits for the warm-up before recording.</source>
        <translation>Les capteurs doivent être chauds : l&apos;appareil attend la fin de la chauffe avant d&apos;enregistrer.</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <source>Start calibration</source>
        <translation>Démarrer l&apos;étalonnage</translation>
    </message>
    <message>
        <source>%1 remaining</source>
        <translation>encore %1</translation>
    </message>
    <message>
        <source>Waiting for the sensors to warm up...</source>
        <translation>Chauffe des capteurs en cours…</translation>
    </message>
    <message>
        <source>Checking against tolerance...</source>
        <translation>Comparaison avec la tolérance…</translation>
    </message>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation>Étape %1 sur %2 : %3</translation>
    </message>
    <message>
        <source>Dry zero air: the baseline of every gas sensor.</source>
        <translation>Air zéro sec : la ligne de base de chaque capteur de gaz.</translation>
    </message>
    <message>
        <source>Humidified zero air (inlet 4): how much each gas sensor responds to humidity.</source>
        <translation>Air zéro humidifié (entrée 4) : la réaction de chaque capteur de gaz à l&apos;humidité.</translation>
    </message>
    <message>
        <source>Reference gas: the response of every gas sensor.</source>
        <translation>Gaz de référence : la réponse de chaque capteur de gaz.</translation>
    </message>
    <message>
        <source>Zero air again: the sensors return to their baseline.</source>
        <translation>De nouveau de l&apos;air zéro : les capteurs reviennent à leur ligne de base.</translation>
    </message>
    <message>
        <source>Zero air (ohm)</source>
        <translation>Air zéro (ohm)</translation>
    </message>
    <message>
        <source>Humidity sensitivity (per % RH)</source>
        <translation>Sensibilité à l&apos;humidité (par % HR)</translation>
    </message>
    <message>
        <source>Humidity check</source>
        <translation>Contrôle humidité</translation>
    </message>
    <message>
        <source>Not calibrated</source>
        <translation>Non étalonné</translation>
    </message>
    <message>
        <source>The device did not answer: %1</source>
        <translation>L&apos;appareil n&apos;a pas répondu : %1</translation>
    </message>
    <message>
        <source>The recording stopped early (%1); it is kept as session %2 but gives no calibration.</source>
        <translation>L&apos;enregistrement s&apos;est arrêté avant la fin (%1) ; il est conservé comme séance %2 mais ne donne pas d&apos;étalonnage.</translation>
    </message>
    <message>
        <source>Recorded, no verdict available</source>
        <translation>Enregistré, sans verdict</translation>
    </message>
    <message>
        <source>The calibration was recorded as session %1, but this version cannot judge it: the calibration module (enose.signal) is not installed. No calibration record was written, so the device&apos;s previous calibration stays in force.</source>
        <translation>L&apos;étalonnage a été enregistré comme séance %1, mais cette version ne peut pas l&apos;évaluer : le module d&apos;étalonnage (enose.signal) n&apos;est pas installé. Aucun étalonnage n&apos;a été enregistré ; l&apos;étalonnage précédent de l&apos;appareil reste en vigueur.</translation>
    </message>
    <message>
        <source>Passed, humidity response not measured</source>
        <translation>Réussi, réponse à l&apos;humidité non mesurée</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>Réussi</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échoué</translation>
    </message>
    <message>
        <source>Recorded as session %1; calibration record %2.</source>
        <translation>Enregistré comme séance %1 ; fiche d&apos;étalonnage %2.</translation>
    </message>
    <message>
        <source>the device refused the humidified zero-air inlet (its firmware is older than ICD revision 1.1)</source>
        <translation>l&apos;appareil a refusé l&apos;entrée d&apos;air zéro humidifié (son micrologiciel est antérieur à la révision 1.1 de l&apos;ICD)</translation>
    </message>
    <message>
        <source>Humidity response measured: dry zero air reached %1 % RH, humidified zero air %2 % RH.</source>
        <translation>Réponse à l&apos;humidité mesurée : l&apos;air zéro sec a atteint %1 % HR, l&apos;air zéro humidifié %2 % HR.</translation>
    </message>
    <message>
        <source>Humidity response failed: dry zero air reached %1 % RH, humidified zero air %2 % RH.</source>
        <translation>Réponse à l&apos;humidité non conforme : l&apos;air zéro sec a atteint %1 % HR, l&apos;air zéro humidifié %2 % HR.</translation>
    </message>
    <message>
        <source>A plausible sensitivity is %1 to %2 per % RH.</source>
        <translation>Une sensibilité plausible se situe entre %1 et %2 par % HR.</translation>
    </message>
    <message>
        <source>the humidified step was too small to measure</source>
        <translation>l&apos;étape humidifiée était trop faible pour être mesurée</translation>
    </message>
    <message>
        <source>no signal</source>
        <translation>aucun signal</translation>
    </message>
    <message>
        <source>implausibly low (below %1)</source>
        <translation>invraisemblablement faible (sous %1)</translation>
    </message>
    <message>
        <source>implausibly high (above %1)</source>
        <translation>invraisemblablement élevée (au-dessus de %1)</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>non mesuré</translation>
    </message>
    <message>
        <source>fail: %1</source>
        <translation>non conforme : %1</translation>
    </message>
    <message>
        <source>%1 (not assessable: the gas barely moves this sensor)</source>
        <translation>%1 (non évaluable : le gaz fait à peine réagir ce capteur)</translation>
    </message>
    <message>
        <source>%1 (response ± %2 %)</source>
        <translation>%1 (réponse ± %2 %)</translation>
    </message>
    <message>
        <source>not assessable</source>
        <translation>non évaluable</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>conforme</translation>
    </message>
    <message>
        <source>Humidity response not measured: %1. Screenings on this unit will get no risk zone until it has ICD revision 1.1 firmware (humidified zero air) and is calibrated with zero air again.</source>
        <translation>Réponse à l&apos;humidité non mesurée : %1. Les dépistages sur cet appareil n&apos;auront pas de zone de risque tant qu&apos;il n&apos;aura pas un micrologiciel de révision 1.1 de l&apos;ICD (air zéro humidifié) et n&apos;aura pas été de nouveau étalonné à l&apos;air zéro.</translation>
    </message>
    <message>
        <source>The humidified step was too small to measure: it must reach %1 % RH and rise by at least %2 points. Check the humidifier and calibrate again.</source>
        <translation>L&apos;étape humidifiée était trop faible pour être mesurée : elle doit atteindre %1 % HR et monter d&apos;au moins %2 points. Vérifiez l&apos;humidificateur et étalonnez à nouveau.</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>non conforme</translation>
    </message>
</context>
<context>
    <name>Channels</name>
    <message>
        <source>gas sensor (MOX)</source>
        <translation>capteur de gaz (MOX)</translation>
    </message>
    <message>
        <source>temperature</source>
        <translation>température</translation>
    </message>
    <message>
        <source>humidity</source>
        <translation>humidité</translation>
    </message>
    <message>
        <source>mask pressure</source>
        <translation>pression dans le masque</translation>
    </message>
    <message>
        <source>CO2 (capnogram)</source>
        <translation>CO2 (capnogramme)</translation>
    </message>
</context>
<context>
    <name>ChecklistPage</name>
    <message>
        <source>Before the test</source>
        <translation>Avant le test</translation>
    </message>
    <message>
        <source>Following the ERS technical standard on exhaled breath analysis, check each point with the person before recording.</source>
        <translation>Conformément à la norme technique de l&apos;ERS sur l&apos;analyse de l&apos;air expiré, vérifiez chaque point avec la personne avant l&apos;enregistrement.</translation>
    </message>
    <message>
        <source>No food or drink other than water in the last hour</source>
        <translation>Ni aliment ni boisson autre que de l&apos;eau depuis une heure</translation>
    </message>
    <message>
        <source>No smoking or vaping in the last hour</source>
        <translation>Ni cigarette ni vapotage depuis une heure</translation>
    </message>
    <message>
        <source>No strenuous exercise in the last hour</source>
        <translation>Pas d&apos;effort physique intense depuis une heure</translation>
    </message>
    <message>
        <source>Mask fitted: no leak around the edges while breathing calmly</source>
        <translation>Masque bien ajusté : aucune fuite sur les bords en respirant calmement</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
</context>
<context>
    <name>DevicePanel</name>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Connect and read</source>
        <translation>Connecter et lire</translation>
    </message>
    <message>
        <source>Run self-test</source>
        <translation>Lancer l&apos;autotest</translation>
    </message>
    <message>
        <source>Device information</source>
        <translation>Informations sur l&apos;appareil</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Numéro de série</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Micrologiciel</translation>
    </message>
    <message>
        <source>Fastest sampling</source>
        <translation>Échantillonnage le plus rapide</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Voies</translation>
    </message>
    <message>
        <source>Channel layout</source>
        <translation>Disposition des voies</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Nature</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unité</translation>
    </message>
    <message>
        <source>Self-test</source>
        <translation>Autotest</translation>
    </message>
    <message>
        <source>Not run yet</source>
        <translation>Pas encore lancé</translation>
    </message>
    <message>
        <source>Connecting...</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Self-test running...</source>
        <translation>Autotest en cours…</translation>
    </message>
    <message>
        <source>Connected: the device answered.</source>
        <translation>Connecté : l&apos;appareil a répondu.</translation>
    </message>
    <message>
        <source>The device did not answer: %1</source>
        <translation>L&apos;appareil n&apos;a pas répondu : %1</translation>
    </message>
    <message>
        <source>%1 ms per sample</source>
        <translation>%1 ms par échantillon</translation>
    </message>
    <message>
        <source>Self-test passed</source>
        <translation>Autotest réussi</translation>
    </message>
    <message>
        <source>Self-test failed</source>
        <translation>Autotest échoué</translation>
    </message>
</context>
<context>
    <name>DevicePicker</name>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Built-in emulator (no device needed)</source>
        <translation>Émulateur intégré (aucun appareil nécessaire)</translation>
    </message>
    <message>
        <source>No device is plugged in. The built-in emulator lets you try every step of the software.</source>
        <translation>Aucun appareil n&apos;est branché. L&apos;émulateur intégré permet d&apos;essayer chaque étape du logiciel.</translation>
    </message>
</context>
<context>
    <name>Diagnosis</name>
    <message>
        <source>adenocarcinoma</source>
        <translation>adénocarcinome</translation>
    </message>
    <message>
        <source>squamous cell carcinoma</source>
        <translation>carcinome épidermoïde</translation>
    </message>
    <message>
        <source>small-cell lung cancer</source>
        <translation>cancer bronchique à petites cellules</translation>
    </message>
    <message>
        <source>large-cell carcinoma</source>
        <translation>carcinome à grandes cellules</translation>
    </message>
    <message>
        <source>other</source>
        <translation>autre</translation>
    </message>
    <message>
        <source>pathology report</source>
        <translation>compte rendu anatomopathologique</translation>
    </message>
    <message>
        <source>multidisciplinary team meeting</source>
        <translation>réunion de concertation pluridisciplinaire</translation>
    </message>
    <message>
        <source>2-year follow-up without cancer</source>
        <translation>suivi de 2 ans sans cancer</translation>
    </message>
    <message>
        <source>simulated</source>
        <translation>simulé</translation>
    </message>
</context>
<context>
    <name>DriftView</name>
    <message>
        <source>Drift and calibration history</source>
        <translation>Dérive et historique des étalonnages</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Opérateur</translation>
    </message>
    <message>
        <source>No device has been used yet.</source>
        <translation>Aucun appareil n&apos;a encore été utilisé.</translation>
    </message>
    <message>
        <source>No device</source>
        <translation>Aucun appareil</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>réussi</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échoué</translation>
    </message>
    <message>
        <source>Drift chart not available</source>
        <translation>Carte de dérive indisponible</translation>
    </message>
    <message>
        <source>The drift control chart comes from the signal module (enose.signal), which is not installed in this version; the calibration history below is what has been stored.</source>
        <translation>La carte de contrôle de la dérive provient du module de signal (enose.signal), qui n&apos;est pas installé dans cette version ; l&apos;historique ci-dessous est celui des étalonnages enregistrés.</translation>
    </message>
    <message>
        <source>Zero-air baseline, %1 (EWMA)</source>
        <translation>Ligne de base à l&apos;air zéro, %1 (EWMA)</translation>
    </message>
    <message>
        <source>Zero-air baseline, %1</source>
        <translation>Ligne de base à l&apos;air zéro, %1</translation>
    </message>
    <message>
        <source>Humidity sensitivity, %1 (EWMA)</source>
        <translation>Sensibilité à l&apos;humidité, %1 (EWMA)</translation>
    </message>
    <message>
        <source>Humidity sensitivity, %1</source>
        <translation>Sensibilité à l&apos;humidité, %1</translation>
    </message>
    <message>
        <source>per % RH</source>
        <translation>par % HR</translation>
    </message>
    <message>
        <source>Recalibration due</source>
        <translation>Réétalonnage nécessaire</translation>
    </message>
    <message>
        <source>Within control limits</source>
        <translation>Dans les limites de contrôle</translation>
    </message>
    <message>
        <source>No passing zero-air calibration yet: the drift chart starts with the first one.</source>
        <translation>Aucun étalonnage à l&apos;air zéro réussi pour l&apos;instant : la carte de dérive commence avec le premier.</translation>
    </message>
    <message>
        <source>No humidity response measured yet: screenings on this unit get no risk zone until a zero-air calibration measures it (ICD revision 1.1 firmware, humidified zero air).</source>
        <translation>Aucune réponse à l&apos;humidité mesurée pour l&apos;instant : les dépistages sur cet appareil n&apos;ont pas de zone de risque tant qu&apos;un étalonnage à l&apos;air zéro ne l&apos;a pas mesurée (micrologiciel de révision 1.1 de l&apos;ICD, air zéro humidifié).</translation>
    </message>
    <message>
        <source>the zero-air baseline left its control limits</source>
        <translation>la ligne de base à l&apos;air zéro est sortie de ses limites de contrôle</translation>
    </message>
    <message>
        <source>the reference response left its control limits</source>
        <translation>la réponse au gaz de référence est sortie de ses limites de contrôle</translation>
    </message>
    <message>
        <source>the humidity sensitivity left its control limits</source>
        <translation>la sensibilité à l&apos;humidité est sortie de ses limites de contrôle</translation>
    </message>
    <message>
        <source>the last calibration is too old</source>
        <translation>le dernier étalonnage est trop ancien</translation>
    </message>
    <message>
        <source>a channel gave no value at the last calibration</source>
        <translation>une voie n&apos;a donné aucune valeur au dernier étalonnage</translation>
    </message>
    <message>
        <source>no passing zero-air calibration</source>
        <translation>aucun étalonnage à l&apos;air zéro réussi</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Export %1 sessions</source>
        <translation>Exporter %1 séances</translation>
    </message>
    <message>
        <source>Also write the features table (features.csv)</source>
        <translation>Écrire aussi le tableau des caractéristiques (features.csv)</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>Caractéristiques</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Choose...</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>Dossier d&apos;export</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>First start</source>
        <translation>Premier démarrage</translation>
    </message>
    <message>
        <source>Create the administrator account</source>
        <translation>Créer le compte administrateur</translation>
    </message>
    <message>
        <source>No account exists yet. The administrator signs in first and then creates an account for each clinician, technician and researcher.</source>
        <translation>Aucun compte n&apos;existe encore. L&apos;administrateur se connecte en premier, puis crée un compte pour chaque clinicien, technicien et chercheur.</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Nom d&apos;utilisateur</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Repeat the password</source>
        <translation>Répéter le mot de passe</translation>
    </message>
    <message>
        <source>Create account</source>
        <translation>Créer le compte</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
</context>
<context>
    <name>LabelDialog</name>
    <message>
        <source>Confirmed diagnosis</source>
        <translation>Diagnostic confirmé</translation>
    </message>
    <message>
        <source>Confirmed diagnosis of %1</source>
        <translation>Diagnostic confirmé de %1</translation>
    </message>
    <message>
        <source>This is a correction: the diagnosis entered on %1 by %2 stays in the history and is marked as superseded.</source>
        <translation>Ceci est une correction : le diagnostic saisi le %1 par %2 reste dans l&apos;historique et est marqué comme remplacé.</translation>
    </message>
    <message>
        <source>Lung cancer confirmed</source>
        <translation>Cancer du poumon confirmé</translation>
    </message>
    <message>
        <source>No lung cancer</source>
        <translation>Pas de cancer du poumon</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Diagnostic</translation>
    </message>
    <message>
        <source>Histology</source>
        <translation>Histologie</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stade</translation>
    </message>
    <message>
        <source>Date of diagnosis</source>
        <translation>Date du diagnostic</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>Save diagnosis</source>
        <translation>Enregistrer le diagnostic</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Choose whether lung cancer was confirmed.</source>
        <translation>Indiquez si un cancer du poumon a été confirmé.</translation>
    </message>
</context>
<context>
    <name>Link</name>
    <message>
        <source>streaming</source>
        <translation>acquisition en cours</translation>
    </message>
    <message>
        <source>connected, idle</source>
        <translation>connecté, au repos</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>reconnexion</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>non connecté</translation>
    </message>
    <message>
        <source>link failed</source>
        <translation>liaison en échec</translation>
    </message>
</context>
<context>
    <name>LivePlot</name>
    <message>
        <source>Gas sensors, R/R0</source>
        <translation>Capteurs de gaz, R/R0</translation>
    </message>
    <message>
        <source>CO2 (%)</source>
        <translation>CO2 (%)</translation>
    </message>
    <message>
        <source>Seconds before now</source>
        <translation>Secondes écoulées</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Screen locked</source>
        <translation>Écran verrouillé</translation>
    </message>
    <message>
        <source>%1 is signed in. Enter this account&apos;s password to continue, or sign out.</source>
        <translation>Session de %1 ouverte. Saisissez le mot de passe de ce compte pour continuer, ou déconnectez-vous.</translation>
    </message>
    <message>
        <source>A recording is in progress: it continues while the screen is locked.</source>
        <translation>Un enregistrement est en cours : il se poursuit pendant que l&apos;écran est verrouillé.</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Se déconnecter</translation>
    </message>
    <message>
        <source>Wrong password (or the account has been disabled).</source>
        <translation>Mot de passe erroné (ou le compte a été désactivé).</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>E-nose breath screening</source>
        <translation>Dépistage par nez électronique</translation>
    </message>
    <message>
        <source>%1 - %2 workspace</source>
        <translation>%1 - espace %2</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Se déconnecter</translation>
    </message>
    <message>
        <source>Screening</source>
        <translation>Dépistage</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Raw signals</source>
        <translation>Signaux bruts</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Étalonnage</translation>
    </message>
    <message>
        <source>Drift</source>
        <translation>Dérive</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Séances</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>Change my password...</source>
        <translation>Changer mon mot de passe…</translation>
    </message>
    <message>
        <source>Lock screen</source>
        <translation>Verrouiller l&apos;écran</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>&amp;Administration</source>
        <translation>&amp;Administration</translation>
    </message>
    <message>
        <source>Accounts...</source>
        <translation>Comptes…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>About</source>
        <translation>À propos</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>Votre mot de passe a été changé.</translation>
    </message>
    <message>
        <source>E-nose breath screening %1

Open software for an electronic-nose breath test that helps decide whether a CT scan should be discussed. It is not a diagnosis. The bundled model was trained on simulated data and is not for clinical use.</source>
        <translation>Dépistage par nez électronique %1

Logiciel libre pour un test respiratoire par nez électronique, qui aide à décider s&apos;il faut discuter d&apos;un scanner. Ce n&apos;est pas un diagnostic. Le modèle fourni a été entraîné sur des données simulées et n&apos;est pas destiné à un usage clinique.</translation>
    </message>
    <message>
        <source>Device: none chosen</source>
        <translation>Appareil : aucun choisi</translation>
    </message>
    <message>
        <source>built-in emulator</source>
        <translation>émulateur intégré</translation>
    </message>
    <message>
        <source>Device: %1, %2</source>
        <translation>Appareil : %1, %2</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de données : %1</translation>
    </message>
    <message>
        <source>Calibration: connect a device to see it</source>
        <translation>Étalonnage : connectez un appareil pour le voir</translation>
    </message>
    <message>
        <source>Calibration: never calibrated</source>
        <translation>Étalonnage : jamais étalonné</translation>
    </message>
    <message>
        <source>Calibration: last attempt failed (%1)</source>
        <translation>Étalonnage : dernière tentative échouée (%1)</translation>
    </message>
    <message>
        <source>Calibration: recalibration due (last %1)</source>
        <translation>Étalonnage : réétalonnage nécessaire (dernier le %1)</translation>
    </message>
    <message>
        <source>Calibration: %1 on %2</source>
        <translation>Étalonnage : %1 le %2</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>Changer mon mot de passe</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>Mot de passe actuel</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nouveau mot de passe</translation>
    </message>
    <message>
        <source>Repeat the new password</source>
        <translation>Répéter le nouveau mot de passe</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>Changer le mot de passe</translation>
    </message>
    <message>
        <source>New password for %1</source>
        <translation>Nouveau mot de passe pour %1</translation>
    </message>
    <message>
        <source>Set password</source>
        <translation>Définir le mot de passe</translation>
    </message>
    <message>
        <source>At least 12 characters, and hard to guess: a passphrase of four or more unrelated words is strong and easy to remember.</source>
        <translation>Au moins 12 caractères, difficiles à deviner : une phrase de passe d&apos;au moins quatre mots sans rapport entre eux est solide et facile à retenir.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
</context>
<context>
    <name>RawView</name>
    <message>
        <source>Raw signals</source>
        <translation>Signaux bruts</translation>
    </message>
    <message>
        <source>Every channel as the device sends it, in its own unit. Nothing is recorded in this view.</source>
        <translation>Chaque voie telle que l&apos;appareil l&apos;envoie, dans son unité. Rien n&apos;est enregistré dans cette vue.</translation>
    </message>
    <message>
        <source>Start streaming</source>
        <translation>Démarrer l&apos;acquisition</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Choose a device on the Device tab first.</source>
        <translation>Choisissez d&apos;abord un appareil dans l&apos;onglet Appareil.</translation>
    </message>
    <message>
        <source>Connecting...</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Streaming from %1</source>
        <translation>Acquisition depuis %1</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Arrêté.</translation>
    </message>
    <message>
        <source>The device did not answer: %1</source>
        <translation>L&apos;appareil n&apos;a pas répondu : %1</translation>
    </message>
</context>
<context>
    <name>RecordingPage</name>
    <message>
        <source>Live quality</source>
        <translation>Qualité en direct</translation>
    </message>
    <message>
        <source>Device link</source>
        <translation>Liaison avec l&apos;appareil</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Données</translation>
    </message>
    <message>
        <source>Sensors</source>
        <translation>Capteurs</translation>
    </message>
    <message>
        <source>Breathing</source>
        <translation>Respiration</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>Sauvegarde</translation>
    </message>
    <message>
        <source>Abort (keeps the data)</source>
        <translation>Interrompre (données conservées)</translation>
    </message>
    <message>
        <source>Computing the result...</source>
        <translation>Calcul du résultat…</translation>
    </message>
    <message>
        <source>The recording is complete. The person can remove the mask.</source>
        <translation>L&apos;enregistrement est terminé. La personne peut retirer le masque.</translation>
    </message>
    <message>
        <source>Connecting to the device...</source>
        <translation>Connexion à l&apos;appareil…</translation>
    </message>
    <message>
        <source>The sensors are warming up. The person waits without the mask.</source>
        <translation>Les capteurs chauffent. La personne attend sans le masque.</translation>
    </message>
    <message>
        <source>The device samples room air. The person rests, mask not yet on the face.</source>
        <translation>L&apos;appareil analyse l&apos;air ambiant. La personne se repose, sans encore porter le masque.</translation>
    </message>
    <message>
        <source>Ask the person to breathe calmly and normally through the mask.</source>
        <translation>Demandez à la personne de respirer calmement et normalement dans le masque.</translation>
    </message>
    <message>
        <source>The person can remove the mask. The device flushes with clean air.</source>
        <translation>La personne peut retirer le masque. L&apos;appareil se purge à l&apos;air propre.</translation>
    </message>
    <message>
        <source>%1 remaining</source>
        <translation>encore %1</translation>
    </message>
    <message>
        <source>Breath cycles: %1 of %2</source>
        <translation>Cycles respiratoires : %1 sur %2</translation>
    </message>
    <message>
        <source>Streaming</source>
        <translation>Acquisition en cours</translation>
    </message>
    <message>
        <source>Reconnecting to the device...</source>
        <translation>Reconnexion à l&apos;appareil…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <source>Device not connected: check the cable</source>
        <translation>Appareil non connecté : vérifiez le câble</translation>
    </message>
    <message>
        <source>No samples lost</source>
        <translation>Aucun échantillon perdu</translation>
    </message>
    <message>
        <source>%1 samples lost, %2 interruptions</source>
        <translation>%1 échantillons perdus, %2 interruptions</translation>
    </message>
    <message>
        <source>The database cannot be written; samples are kept in memory</source>
        <translation>La base de données ne peut pas être écrite ; les échantillons sont gardés en mémoire</translation>
    </message>
    <message>
        <source>Saved continuously</source>
        <translation>Sauvegarde continue</translation>
    </message>
    <message>
        <source>No data from %1</source>
        <translation>Aucune donnée de %1</translation>
    </message>
    <message>
        <source>All %1 gas sensors respond</source>
        <translation>Les %1 capteurs de gaz répondent</translation>
    </message>
    <message>
        <source>Exhaled CO2 seen (peaks %1 %)</source>
        <translation>CO2 expiré détecté (pics à %1 %)</translation>
    </message>
    <message>
        <source>Waiting for the first breaths...</source>
        <translation>En attente des premières respirations…</translation>
    </message>
    <message>
        <source>No exhaled CO2: check the mask fit</source>
        <translation>Pas de CO2 expiré : vérifiez l&apos;ajustement du masque</translation>
    </message>
    <message>
        <source>Checked during the breath phase</source>
        <translation>Vérifié pendant la phase respiratoire</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>Green: no breath signal of lung cancer at this visit</source>
        <extracomment>What the screen and the report show instead of a zone when the core kept the probability for the record only (``score[&quot;no_zone&quot;]`` has reasons; the stored zone is then &quot;inconclusive&quot;).</extracomment>
        <translation>Vert : aucun signal respiratoire de cancer du poumon à cette consultation</translation>
    </message>
    <message>
        <source>Orange: discuss with the clinician</source>
        <translation>Orange : à discuter avec le clinicien</translation>
    </message>
    <message>
        <source>Red: refer for a CT scan</source>
        <translation>Rouge : orienter vers un scanner</translation>
    </message>
    <message>
        <source>Inconclusive: repeat the test</source>
        <translation>Non concluant : refaire le test</translation>
    </message>
    <message>
        <source>No result: the recording failed its quality check</source>
        <translation>Pas de résultat : l&apos;enregistrement n&apos;a pas passé le contrôle qualité</translation>
    </message>
    <message>
        <source>No zone: the probability is kept for the record only</source>
        <translation>Pas de zone : la probabilité est conservée pour le dossier uniquement</translation>
    </message>
    <message>
        <source>No result could be given</source>
        <translation>Aucun résultat n&apos;a pu être donné</translation>
    </message>
    <message>
        <source>Your breath showed no sign that points to lung cancer today. Keep to your usual follow-up and see your doctor if you have new symptoms such as a lasting cough, blood when coughing, breathlessness or weight loss.</source>
        <translation>Votre souffle ne montre aujourd&apos;hui aucun signe évocateur d&apos;un cancer du poumon. Poursuivez votre suivi habituel et consultez votre médecin en cas de nouveaux symptômes, comme une toux qui persiste, du sang en toussant, un essoufflement ou une perte de poids.</translation>
    </message>
    <message>
        <source>Your result is in between. Your clinician will discuss it with you and may suggest repeating the breath test or other examinations.</source>
        <translation>Votre résultat est intermédiaire. Votre clinicien en parlera avec vous et pourra proposer de refaire le test respiratoire ou d&apos;autres examens.</translation>
    </message>
    <message>
        <source>Your breath test suggests that a closer look is worthwhile. Your clinician will propose a low-dose CT scan of the chest. Most people referred this way do not have cancer.</source>
        <translation>Votre test respiratoire suggère qu&apos;un examen plus approfondi est utile. Votre clinicien vous proposera un scanner thoracique à faible dose. La plupart des personnes orientées ainsi n&apos;ont pas de cancer.</translation>
    </message>
    <message>
        <source>Your breath sample could not be interpreted reliably. This says nothing about your health; the test should simply be repeated.</source>
        <translation>Votre échantillon de souffle n&apos;a pas pu être interprété de façon fiable. Cela ne dit rien de votre santé ; il suffit de refaire le test.</translation>
    </message>
    <message>
        <source>The recording was not good enough to give a result (for example, air leaked around the mask). This says nothing about your health; the test should simply be repeated.</source>
        <translation>L&apos;enregistrement n&apos;était pas d&apos;assez bonne qualité pour donner un résultat (par exemple, une fuite d&apos;air autour du masque). Cela ne dit rien de votre santé ; il suffit de refaire le test.</translation>
    </message>
    <message>
        <source>No result zone could be given for this test because of how the device was set up, not because of your breath sample. This says nothing about your health; your clinician will tell you what happens next.</source>
        <translation>Aucune zone de résultat n&apos;a pu être donnée pour ce test, en raison du réglage de l&apos;appareil et non de votre échantillon de souffle. Cela ne dit rien de votre santé ; votre clinicien vous dira quelle est la suite.</translation>
    </message>
    <message>
        <source>No result could be given for this test. Your clinician will tell you what happens next.</source>
        <translation>Aucun résultat n&apos;a pu être donné pour ce test. Votre clinicien vous dira quelle est la suite.</translation>
    </message>
    <message>
        <source>The session lacks a baseline or breath phase, or it is too short.</source>
        <translation>Il manque à la séance une phase de référence ou respiratoire, ou elle est trop courte.</translation>
    </message>
    <message>
        <source>The device has no channel of a kind the analysis needs.</source>
        <translation>L&apos;appareil n&apos;a pas l&apos;une des voies dont l&apos;analyse a besoin.</translation>
    </message>
    <message>
        <source>The sensors were still warming up during the measurement.</source>
        <translation>Les capteurs chauffaient encore pendant la mesure.</translation>
    </message>
    <message>
        <source>The sensor baseline was unstable before the breath sample.</source>
        <translation>La ligne de base des capteurs était instable avant le prélèvement respiratoire.</translation>
    </message>
    <message>
        <source>Too few valid breath cycles were recorded.</source>
        <translation>Trop peu de cycles respiratoires valides ont été enregistrés.</translation>
    </message>
    <message>
        <source>A sensor channel gave no data.</source>
        <translation>Une voie de capteur n&apos;a fourni aucune donnée.</translation>
    </message>
    <message>
        <source>A sensor channel was saturated.</source>
        <translation>Une voie de capteur était saturée.</translation>
    </message>
    <message>
        <source>A sensor channel did not change at all.</source>
        <translation>Une voie de capteur n&apos;a pas varié du tout.</translation>
    </message>
    <message>
        <source>The room humidity was outside the allowed range.</source>
        <translation>L&apos;humidité de la pièce était hors de la plage admise.</translation>
    </message>
    <message>
        <source>The sensor cell temperature was outside the allowed range.</source>
        <translation>La température de la cellule de mesure était hors de la plage admise.</translation>
    </message>
    <message>
        <source>The room air was contaminated with volatile compounds.</source>
        <translation>L&apos;air de la pièce était contaminé par des composés volatils.</translation>
    </message>
    <message>
        <source>Too many samples were lost during the recording.</source>
        <translation>Trop d&apos;échantillons ont été perdus pendant l&apos;enregistrement.</translation>
    </message>
    <message>
        <source>The recording was interrupted during the breath sample.</source>
        <translation>L&apos;enregistrement a été interrompu pendant le prélèvement respiratoire.</translation>
    </message>
    <message>
        <source>The recording was interrupted outside the breath sample.</source>
        <translation>L&apos;enregistrement a été interrompu en dehors du prélèvement respiratoire.</translation>
    </message>
    <message>
        <source>The device reported a heater, pump or flow fault.</source>
        <translation>L&apos;appareil a signalé un défaut de chauffage, de pompe ou de débit.</translation>
    </message>
    <message>
        <source>The session has no purge phase; recovery features are missing.</source>
        <translation>La séance n&apos;a pas de phase de purge ; les caractéristiques de récupération manquent.</translation>
    </message>
    <message>
        <source>The device had no recent zero-air calibration when the session was recorded.</source>
        <translation>L&apos;appareil n&apos;avait pas d&apos;étalonnage récent à l&apos;air zéro lors de l&apos;enregistrement de la séance.</translation>
    </message>
    <message>
        <source>raises the estimated risk</source>
        <translation>augmente le risque estimé</translation>
    </message>
    <message>
        <source>lowers the estimated risk</source>
        <translation>diminue le risque estimé</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Âge</translation>
    </message>
    <message>
        <source>Pack-years of smoking</source>
        <translation>Paquets-années de tabac</translation>
    </message>
    <message>
        <source>COPD</source>
        <translation>BPCO</translation>
    </message>
    <message>
        <source>Previous cancer</source>
        <translation>Antécédent de cancer</translation>
    </message>
    <message>
        <source>Male sex</source>
        <translation>Sexe masculin</translation>
    </message>
    <message>
        <source>Currently smoking</source>
        <translation>Tabagisme actif</translation>
    </message>
    <message>
        <source>%1 not recorded (a typical value was used)</source>
        <translation>%1 non renseigné (une valeur typique a été utilisée)</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>Breath measurement %1 higher than typical</source>
        <translation>Mesure respiratoire %1 plus élevée que d&apos;habitude</translation>
    </message>
    <message>
        <source>Breath measurement %1 lower than typical</source>
        <translation>Mesure respiratoire %1 plus basse que d&apos;habitude</translation>
    </message>
    <message>
        <source>Device %1 was not among the units this model was trained on. Its humidity calibration and the model&apos;s gain-free inputs make units at one site agree; a site whose room air differs from the training sites&apos; can still move the probability and the zone (see the model card).</source>
        <translation>L&apos;appareil %1 ne faisait pas partie des unités sur lesquelles ce modèle a été entraîné. Son étalonnage en humidité et les entrées du modèle, indépendantes du gain des capteurs, accordent les unités d&apos;un même site ; un site dont l&apos;air ambiant diffère de celui des sites d&apos;entraînement peut encore déplacer la probabilité et la zone (voir la fiche du modèle).</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>ligne de base</translation>
    </message>
    <message>
        <source>breath</source>
        <translation>respiration</translation>
    </message>
    <message>
        <source>purge</source>
        <translation>purge</translation>
    </message>
    <message>
        <source>The %1 phase lasted %2 s but this model was trained on %3 s: repeat the test with the standard protocol.</source>
        <translation>La phase de %1 a duré %2 s, mais ce modèle a été entraîné sur %3 s : refaites le test avec le protocole standard.</translation>
    </message>
    <message>
        <source>Device %1 had no humidity calibration in force when this session was recorded: it had no passing zero-air calibration. A technician must calibrate it with zero air before the next screening.</source>
        <translation>L&apos;appareil %1 n&apos;avait pas d&apos;étalonnage d&apos;humidité en vigueur lors de cet enregistrement : il n&apos;avait aucun étalonnage à l&apos;air zéro réussi. Un technicien doit l&apos;étalonner à l&apos;air zéro avant le prochain dépistage.</translation>
    </message>
    <message>
        <source>Device %1 had no humidity calibration in force when this session was recorded: its firmware lacks the humidifier (humidified zero air, ICD revision 1.1), so its zero-air calibration could not measure the humidity response. A technician must update the firmware and calibrate it with zero air.</source>
        <translation>L&apos;appareil %1 n&apos;avait pas d&apos;étalonnage d&apos;humidité en vigueur lors de cet enregistrement : son micrologiciel n&apos;a pas d&apos;humidificateur (air zéro humidifié, révision 1.1 de l&apos;ICD), donc son étalonnage à l&apos;air zéro n&apos;a pas pu mesurer la réponse à l&apos;humidité. Un technicien doit mettre à jour le micrologiciel et l&apos;étalonner à l&apos;air zéro.</translation>
    </message>
    <message>
        <source>number of valid breaths</source>
        <translation>nombre de respirations valides</translation>
    </message>
    <message>
        <source>breathing rate</source>
        <translation>fréquence respiratoire</translation>
    </message>
    <message>
        <source>end-tidal CO2</source>
        <translation>CO2 de fin d&apos;expiration</translation>
    </message>
    <message>
        <source>breath humidity</source>
        <translation>humidité de l&apos;haleine</translation>
    </message>
    <message>
        <source>room humidity</source>
        <translation>humidité de la pièce</translation>
    </message>
    <message>
        <source>breath response</source>
        <translation>réponse à l&apos;haleine</translation>
    </message>
    <message>
        <source>breath response (log scale)</source>
        <translation>réponse à l&apos;haleine (échelle log)</translation>
    </message>
    <message>
        <source>end-of-exhalation response</source>
        <translation>réponse en fin d&apos;expiration</translation>
    </message>
    <message>
        <source>total response over the breath phase</source>
        <translation>réponse totale sur la phase respiratoire</translation>
    </message>
    <message>
        <source>fastest rise</source>
        <translation>montée la plus rapide</translation>
    </message>
    <message>
        <source>level after the clean-air purge</source>
        <translation>niveau après la purge à l&apos;air propre</translation>
    </message>
    <message>
        <source>recovery time in clean air</source>
        <translation>temps de récupération à l&apos;air propre</translation>
    </message>
    <message>
        <source>room-air level</source>
        <translation>niveau dans l&apos;air ambiant</translation>
    </message>
    <message>
        <source>breath level against room air</source>
        <translation>niveau dans l&apos;haleine rapporté à l&apos;air ambiant</translation>
    </message>
    <message>
        <source>end-of-exhalation level against room air</source>
        <translation>niveau en fin d&apos;expiration rapporté à l&apos;air ambiant</translation>
    </message>
    <message>
        <source>fast</source>
        <translation>rapide</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>moyenne</translation>
    </message>
    <message>
        <source>slow</source>
        <translation>lente</translation>
    </message>
    <message>
        <source>onset speed</source>
        <translation>vitesse de réponse</translation>
    </message>
    <message>
        <source>clearing speed</source>
        <translation>vitesse de nettoyage</translation>
    </message>
    <message>
        <source>gas sensor %1: %2</source>
        <translation>capteur de gaz %1 : %2</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>non renseigné</translation>
    </message>
    <message>
        <source>This test is not a diagnosis. It helps you and your clinician decide whether further examinations are useful. It does not replace a CT scan or a doctor&apos;s judgement.</source>
        <translation>Ce test n&apos;est pas un diagnostic. Il vous aide, vous et votre clinicien, à décider si d&apos;autres examens sont utiles. Il ne remplace ni un scanner ni l&apos;avis d&apos;un médecin.</translation>
    </message>
    <message>
        <source>Research prototype: the risk model supplied with this software was trained on simulated data and is not for clinical use.</source>
        <translation>Prototype de recherche : le modèle de risque fourni avec ce logiciel a été entraîné sur des données simulées et n&apos;est pas destiné à un usage clinique.</translation>
    </message>
    <message>
        <source>Your breath test result</source>
        <translation>Résultat de votre test respiratoire</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>What this means</source>
        <translation>Ce que cela signifie</translation>
    </message>
    <message>
        <source>Important</source>
        <translation>Important</translation>
    </message>
    <message>
        <source>If you have questions, ask the clinician who did the test with you.</source>
        <translation>Pour toute question, adressez-vous au clinicien qui a réalisé le test avec vous.</translation>
    </message>
    <message>
        <source>Breath screening - clinician report</source>
        <translation>Dépistage respiratoire - compte rendu pour le clinicien</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Not a diagnosis.</source>
        <translation>Ce n&apos;est pas un diagnostic.</translation>
    </message>
    <message>
        <source>female</source>
        <translation>femme</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>terminée</translation>
    </message>
    <message>
        <source>aborted</source>
        <translation>interrompue</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>coupée</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échouée</translation>
    </message>
    <message>
        <source>male</source>
        <translation>homme</translation>
    </message>
    <message>
        <source>other / not stated</source>
        <translation>autre / non précisé</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>former</source>
        <translation>ancien</translation>
    </message>
    <message>
        <source>current</source>
        <translation>actuel</translation>
    </message>
    <message>
        <source>Subject code</source>
        <translation>Code du sujet</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexe</translation>
    </message>
    <message>
        <source>Smoking</source>
        <translation>Tabagisme</translation>
    </message>
    <message>
        <source>Pack-years</source>
        <translation>Paquets-années</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Séance</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Enregistrée le</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Opérateur</translation>
    </message>
    <message>
        <source>Samples (lost, interruptions)</source>
        <translation>Échantillons (perdus, interruptions)</translation>
    </message>
    <message>
        <source>for the record only, not for a decision</source>
        <translation>pour le dossier uniquement, pas pour une décision</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>Estimated probability</source>
        <translation>Probabilité estimée</translation>
    </message>
    <message>
        <source>(90 % interval %1 to %2)</source>
        <translation>(intervalle à 90 % : %1 à %2)</translation>
    </message>
    <message>
        <source>Zone thresholds</source>
        <translation>Seuils des zones</translation>
    </message>
    <message>
        <source>green below %1, red from %2</source>
        <translation>vert en dessous de %1, rouge à partir de %2</translation>
    </message>
    <message>
        <source>Main contributing factors</source>
        <translation>Principaux facteurs contributifs</translation>
    </message>
    <message>
        <source>Why no zone</source>
        <translation>Pourquoi aucune zone</translation>
    </message>
    <message>
        <source>The recording did not run to its end (status: %1); repeat it.</source>
        <translation>L&apos;enregistrement n&apos;est pas allé jusqu&apos;au bout (état : %1) ; refaites-le.</translation>
    </message>
    <message>
        <source>No risk model is installed.</source>
        <translation>Aucun modèle de risque n&apos;est installé.</translation>
    </message>
    <message>
        <source>The risk model cannot score this recording: %1</source>
        <translation>Le modèle de risque ne peut pas évaluer cet enregistrement : %1</translation>
    </message>
    <message>
        <source>The recording failed the quality gate (reasons below); repeat it.</source>
        <translation>L&apos;enregistrement n&apos;a pas passé le contrôle qualité (raisons ci-dessous) ; refaites-le.</translation>
    </message>
    <message>
        <source>No score was computed.</source>
        <translation>Aucun score n&apos;a été calculé.</translation>
    </message>
    <message>
        <source>Why no score</source>
        <translation>Pourquoi aucun score</translation>
    </message>
    <message>
        <source>blocks the score</source>
        <translation>bloque le score</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>Quality gate</source>
        <translation>Contrôle qualité</translation>
    </message>
    <message>
        <source>Model %1 (SHA-256 %2), software %3</source>
        <translation>Modèle %1 (SHA-256 %2), logiciel %3</translation>
    </message>
</context>
<context>
    <name>ResearcherView</name>
    <message>
        <source>Sessions of the central study database</source>
        <translation>Séances de la base d&apos;étude centrale</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Séances</translation>
    </message>
    <message>
        <source>This site&apos;s database</source>
        <translation>Base de ce site</translation>
    </message>
    <message>
        <source>Central database...</source>
        <translation>Base centrale...</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Au</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>QC result</source>
        <translation>Contrôle qualité</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Diagnostic</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>any</source>
        <translation>tous</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>réussi</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échoué</translation>
    </message>
    <message>
        <source>not computed</source>
        <translation>non calculé</translation>
    </message>
    <message>
        <source>green</source>
        <translation>vert</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>orange</translation>
    </message>
    <message>
        <source>red</source>
        <translation>rouge</translation>
    </message>
    <message>
        <source>inconclusive</source>
        <translation>non concluant</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>bloqué</translation>
    </message>
    <message>
        <source>no score</source>
        <translation>sans score</translation>
    </message>
    <message>
        <source>no zone</source>
        <translation>pas de zone</translation>
    </message>
    <message>
        <source>cancer</source>
        <translation>cancer</translation>
    </message>
    <message>
        <source>no cancer</source>
        <translation>pas de cancer</translation>
    </message>
    <message>
        <source>not labelled</source>
        <translation>sans diagnostic</translation>
    </message>
    <message>
        <source>screening</source>
        <translation>dépistage</translation>
    </message>
    <message>
        <source>calibration</source>
        <translation>étalonnage</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Effacer les filtres</translation>
    </message>
    <message>
        <source>Export selected...</source>
        <translation>Exporter la sélection…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Address of the central study database (your researcher role), e.g. postgresql://alice@db.example.org/enose</source>
        <translation>Adresse de la base d&apos;étude centrale (votre rôle de chercheur), p. ex. postgresql://alice@db.example.org/enose</translation>
    </message>
    <message>
        <source>Cannot open the central database: %1</source>
        <translation>Impossible d&apos;ouvrir la base centrale : %1</translation>
    </message>
    <message>
        <source>Matching sessions: %1</source>
        <translation>Séances trouvées : %1</translation>
    </message>
    <message>
        <source>Exporting...</source>
        <translation>Export en cours…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Exporting session %1...</source>
        <translation>Export de la séance %1…</translation>
    </message>
    <message>
        <source>Writing the features table...</source>
        <translation>Écriture du tableau des caractéristiques…</translation>
    </message>
    <message>
        <source>%1 files written.</source>
        <translation>%1 fichiers écrits.</translation>
    </message>
    <message>
        <source>Export cancelled; %1 files written.</source>
        <translation>Export annulé ; %1 fichiers écrits.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Échec de l&apos;export : %1</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>This result is not a diagnosis. It supports a conversation about whether a CT scan is useful. The bundled model was trained on simulated data: not for clinical use.</source>
        <translation>Ce résultat n&apos;est pas un diagnostic. Il aide à discuter de l&apos;utilité d&apos;un scanner. Le modèle fourni a été entraîné sur des données simulées : pas d&apos;usage clinique.</translation>
    </message>
    <message>
        <source>Save PDF report...</source>
        <translation>Enregistrer le rapport PDF…</translation>
    </message>
    <message>
        <source>Print...</source>
        <translation>Imprimer…</translation>
    </message>
    <message>
        <source>Repeat the test</source>
        <translation>Refaire le test</translation>
    </message>
    <message>
        <source>New screening</source>
        <translation>Nouveau dépistage</translation>
    </message>
    <message>
        <source>The recording was aborted. The %1 samples recorded are kept as session %2.</source>
        <translation>L&apos;enregistrement a été interrompu. Les %1 échantillons enregistrés sont conservés dans la séance %2.</translation>
    </message>
    <message>
        <source>The device could not be reached: %1</source>
        <translation>L&apos;appareil est injoignable : %1</translation>
    </message>
    <message>
        <source>The recording was interrupted (%1). What was recorded is kept as session %2.</source>
        <translation>L&apos;enregistrement a été interrompu (%1). Ce qui a été enregistré est conservé dans la séance %2.</translation>
    </message>
    <message>
        <source>Estimated probability %1 % (90 % interval %2 to %3 %), for the record only: no zone is given</source>
        <translation>Probabilité estimée %1 % (intervalle à 90 % : %2 à %3 %), pour le dossier uniquement : aucune zone n&apos;est donnée</translation>
    </message>
    <message>
        <source>Estimated probability %1 % (90 % interval %2 to %3 %)</source>
        <translation>Probabilité estimée %1 % (intervalle à 90 % : %2 à %3 %)</translation>
    </message>
    <message>
        <source>Why no zone:</source>
        <translation>Pourquoi aucune zone :</translation>
    </message>
    <message>
        <source>Main contributing factors:</source>
        <translation>Principaux facteurs contributifs :</translation>
    </message>
    <message>
        <source>No score was given.</source>
        <translation>Aucun score n&apos;a été donné.</translation>
    </message>
    <message>
        <source>The recording did not run to its end; repeat it.</source>
        <translation>L&apos;enregistrement n&apos;est pas allé jusqu&apos;au bout ; refaites-le.</translation>
    </message>
    <message>
        <source>No risk model is installed.</source>
        <translation>Aucun modèle de risque n&apos;est installé.</translation>
    </message>
    <message>
        <source>The risk model cannot score this recording: %1</source>
        <translation>Le modèle de risque ne peut pas évaluer cet enregistrement : %1</translation>
    </message>
    <message>
        <source>The recording failed the quality gate; repeat the test.</source>
        <translation>L&apos;enregistrement n&apos;a pas passé le contrôle qualité ; refaites le test.</translation>
    </message>
    <message>
        <source>Quality gate:</source>
        <translation>Contrôle qualité :</translation>
    </message>
    <message>
        <source>blocks the score</source>
        <translation>bloque le score</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>Model %1, software %2, session %3</source>
        <translation>Modèle %1, logiciel %2, séance %3</translation>
    </message>
    <message>
        <source>Software %1, session %2</source>
        <translation>Logiciel %1, séance %2</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>Enregistrer le rapport</translation>
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
        <translation>Administrateur</translation>
    </message>
    <message>
        <source>Clinician</source>
        <translation>Clinicien</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>Technicien</translation>
    </message>
    <message>
        <source>Researcher</source>
        <translation>Chercheur</translation>
    </message>
</context>
<context>
    <name>ScreeningWizard</name>
    <message>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>Vérifications</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Enregistrement</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Retour</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <source>Start recording</source>
        <translation>Démarrer l&apos;enregistrement</translation>
    </message>
</context>
<context>
    <name>SessionDetail</name>
    <message>
        <source>Signals</source>
        <translation>Signaux</translation>
    </message>
    <message>
        <source>Quality and features</source>
        <translation>Qualité et caractéristiques</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Diagnostic</translation>
    </message>
    <message>
        <source>Raw resistance</source>
        <translation>Résistance brute</translation>
    </message>
    <message>
        <source>R/R0 (baseline)</source>
        <translation>R/R0 (référence)</translation>
    </message>
    <message>
        <source>CO2 (%)</source>
        <translation>CO2 (%)</translation>
    </message>
    <message>
        <source>Session time (s)</source>
        <translation>Temps de séance (s)</translation>
    </message>
    <message>
        <source>Feature</source>
        <translation>Caractéristique</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Entered</source>
        <translation>Saisi le</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Histology, stage</source>
        <translation>Histologie, stade</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>In force</source>
        <translation>En vigueur</translation>
    </message>
    <message>
        <source>Enter confirmed diagnosis...</source>
        <translation>Saisir le diagnostic confirmé…</translation>
    </message>
    <message>
        <source>The confirmed diagnosis becomes the training label of every session of this subject. Labels are never edited: a correction is a new entry that supersedes the old one.</source>
        <translation>Le diagnostic confirmé devient l&apos;étiquette d&apos;apprentissage de toutes les séances de ce sujet. Une étiquette n&apos;est jamais modifiée : une correction est une nouvelle saisie qui remplace l&apos;ancienne.</translation>
    </message>
    <message>
        <source>Only a clinician or an administrator may enter a diagnosis.</source>
        <translation>Seul un clinicien ou un administrateur peut saisir un diagnostic.</translation>
    </message>
    <message>
        <source>Session %1</source>
        <translation>Séance %1</translation>
    </message>
    <message>
        <source>Loading...</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>No session selected</source>
        <translation>Aucune séance sélectionnée</translation>
    </message>
    <message>
        <source>Select a session in the table to see its signals, features and diagnosis.</source>
        <translation>Sélectionnez une séance dans le tableau pour voir ses signaux, ses caractéristiques et son diagnostic.</translation>
    </message>
    <message>
        <source>Subject %1, device %2, %3, %4 samples</source>
        <translation>Sujet %1, appareil %2, %3, %4 échantillons</translation>
    </message>
    <message>
        <source>Quality gate: blocked</source>
        <translation>Contrôle qualité : bloqué</translation>
    </message>
    <message>
        <source>Quality gate: passed</source>
        <translation>Contrôle qualité : réussi</translation>
    </message>
    <message>
        <source>cancer</source>
        <translation>cancer</translation>
    </message>
    <message>
        <source>no cancer</source>
        <translation>pas de cancer</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>remplacé</translation>
    </message>
</context>
<context>
    <name>Sessions</name>
    <message>
        <source>screening</source>
        <translation>dépistage</translation>
    </message>
    <message>
        <source>calibration</source>
        <translation>étalonnage</translation>
    </message>
    <message>
        <source>no zone</source>
        <translation>pas de zone</translation>
    </message>
    <message>
        <source>green</source>
        <translation>vert</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>orange</translation>
    </message>
    <message>
        <source>red</source>
        <translation>rouge</translation>
    </message>
    <message>
        <source>inconclusive</source>
        <translation>non concluant</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>bloqué</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Séance</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>QC</source>
        <translation>CQ</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Diagnostic</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>réussi</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échoué</translation>
    </message>
    <message>
        <source>cancer</source>
        <translation>cancer</translation>
    </message>
    <message>
        <source>no cancer</source>
        <translation>pas de cancer</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>E-nose breath screening - sign in</source>
        <translation>Dépistage par nez électronique - connexion</translation>
    </message>
    <message>
        <source>E-nose breath screening</source>
        <translation>Dépistage par nez électronique</translation>
    </message>
    <message>
        <source>Sign in with your personal account. Every recording is stored under your name.</source>
        <translation>Connectez-vous avec votre compte personnel. Chaque enregistrement est conservé sous votre nom.</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Nom d&apos;utilisateur</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Work as</source>
        <translation>Travailler en tant que</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>Your account (%1) cannot open this workspace.</source>
        <translation>Votre compte (%1) ne peut pas ouvrir cet espace de travail.</translation>
    </message>
</context>
<context>
    <name>Steps</name>
    <message>
        <source>Connecting</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Sensor warm-up</source>
        <translation>Chauffe des capteurs</translation>
    </message>
    <message>
        <source>Baseline (room air)</source>
        <translation>Référence (air ambiant)</translation>
    </message>
    <message>
        <source>Breathing into the mask</source>
        <translation>Respiration dans le masque</translation>
    </message>
    <message>
        <source>Purge (clean air)</source>
        <translation>Purge (air propre)</translation>
    </message>
    <message>
        <source>Zero air</source>
        <translation>Air zéro</translation>
    </message>
    <message>
        <source>Humidified zero air</source>
        <translation>Air zéro humidifié</translation>
    </message>
    <message>
        <source>Reference gas</source>
        <translation>Gaz de référence</translation>
    </message>
    <message>
        <source>Recovery (zero air)</source>
        <translation>Récupération (air zéro)</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>Aborted</source>
        <translation>Interrompu</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échoué</translation>
    </message>
</context>
<context>
    <name>SubjectPage</name>
    <message>
        <source>Subject</source>
        <extracomment>The site&apos;s subject-code pattern (None: the project&apos;s default), the one the core enforces.</extracomment>
        <translation>Sujet</translation>
    </message>
    <message>
        <source>Enter the pseudonymous study code, never the person&apos;s name. The risk factors refine the estimate; leave a field as &apos;not recorded&apos; when it is unknown.</source>
        <translation>Saisissez le code d&apos;étude pseudonyme, jamais le nom de la personne. Les facteurs de risque affinent l&apos;estimation ; laissez un champ sur « non renseigné » s&apos;il est inconnu.</translation>
    </message>
    <message>
        <source>Subject code</source>
        <translation>Code du sujet</translation>
    </message>
    <message>
        <source>Age (years)</source>
        <translation>Âge (ans)</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexe</translation>
    </message>
    <message>
        <source>Smoking status</source>
        <translation>Tabagisme</translation>
    </message>
    <message>
        <source>Pack-years</source>
        <translation>Paquets-années</translation>
    </message>
    <message>
        <source>COPD</source>
        <translation>BPCO</translation>
    </message>
    <message>
        <source>Previous cancer</source>
        <translation>Antécédent de cancer</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>non renseigné</translation>
    </message>
    <message>
        <source>female</source>
        <translation>femme</translation>
    </message>
    <message>
        <source>male</source>
        <translation>homme</translation>
    </message>
    <message>
        <source>other / not stated</source>
        <translation>autre / non précisé</translation>
    </message>
    <message>
        <source>never smoked</source>
        <translation>n&apos;a jamais fumé</translation>
    </message>
    <message>
        <source>former smoker</source>
        <translation>ancien fumeur</translation>
    </message>
    <message>
        <source>current smoker</source>
        <translation>fumeur actif</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>Not a study code: use 2 to 5 capital letters, &apos;-&apos;, then 3 to 6 digits (for example LIL-0042). Never a name, a date or a hospital number.</source>
        <translation>Ce n&apos;est pas un code d&apos;étude : utilisez 2 à 5 majuscules, « - », puis 3 à 6 chiffres (par exemple LIL-0042). Jamais un nom, une date ou un numéro hospitalier.</translation>
    </message>
    <message>
        <source>Not a study code of this site: it must match %1. Never a name, a date or a hospital number.</source>
        <translation>Ce n&apos;est pas un code d&apos;étude de ce site : il doit correspondre à %1. Jamais un nom, une date ou un numéro hospitalier.</translation>
    </message>
</context>
</TS>
