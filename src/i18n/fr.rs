//! French.

use super::Messages;

pub static MESSAGES: Messages = Messages {
    language_name: "Français",
    language_label: "Langue",
    skip_to_content: "Aller au contenu",
    home_title: "Bienvenue",
    home_intro: "Connectez-vous à votre compte, créez-en un, ou réinitialisez vous-même un mot de passe oublié.",
    not_found_title: "Page introuvable",
    not_found_body: "Il n’y a pas de page à cette adresse. Vérifiez le lien ou repartez de la page d’accueil.",
    go_home: "Aller à la page d’accueil",
    error_title: "Un problème est survenu",
    error_body: "Cette page n’a pas pu être affichée. Veuillez réessayer.",
    status_checking: "Vérification du service…",
    status_ok: "Le service fonctionne",
    status_unavailable: "Le service est indisponible",
    status_unreachable: "Impossible de joindre le service",
    reload: "Recharger la page",
    request_id: "Identifiant de requête",
};
