//! The one table of the pages' and reports' texts, in Kazakh, Russian and
//! English, keyed by [`Text`]. Verdict messages stay in `verdict::messages`;
//! this table holds what the pages say around them. Adding a text without
//! its three languages does not compile.

use super::lang::Lang;
use crate::verdict::Message;

const fn m(kk: &'static str, ru: &'static str, en: &'static str) -> Message {
    Message { kk, ru, en }
}

/// A text of the public pages or the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Text {
    Tagline,
    NavHome,
    NavCheck,
    NavDocs,
    NavHealth,
    Language,
    Footer,
    FrontTitle,
    FrontIntro,
    FrontQr,
    FrontCheck,
    FrontApi,
    FrontHealth,
    FrontPrivacy,
    VerifyTitle,
    Valid,
    ValidLead,
    Invalid,
    InvalidLead,
    Unconfirmed,
    UnconfirmedLead,
    NotFound,
    NotFoundLead,
    Malformed,
    MalformedLead,
    DocumentNumber,
    SignedRevision,
    CheckedAt,
    Signature,
    Signer,
    Position,
    Organisation,
    Bin,
    SigningTime,
    Timestamp,
    NoTimestamp,
    Result,
    KzTime,
    LongTerm,
    RevokedAt,
    Privacy,
    AccessTitle,
    AccessLead,
    AccessCode,
    AccessOpen,
    AccessWrong,
    AccessTriesLeft,
    AccessLocked,
    PosHead,
    PosMaySign,
    PosEmployee,
    PosOfficial,
    CheckTitle,
    CheckLead,
    CheckFile,
    CheckData,
    CheckSubmit,
    CheckAnother,
    CheckNoFile,
    CheckTooLarge,
    CheckRateLimited,
    CheckBusy,
    CheckTimeout,
    FileName,
    FileKind,
    FileSize,
    Checks,
    Changes,
    NoChanges,
    ChangeAllowed,
    ChangeNotAllowed,
    Revision,
    Reports,
    ReportsLead,
    ReportsAgain,
    ReportPdf,
    ReportXml,
    ReportJson,
    OutcomePassed,
    OutcomeFailed,
    OutcomeIndeterminate,
    OutcomeSkipped,
    Signers,
    NoSignatures,
    DocsTitle,
    DocsLead,
    DocsPublic,
    DocsKey,
    DocsRoles,
    DocsParameters,
    DocsBody,
    DocsResponses,
    DocsJson,
    ReportTitle,
    ReportOverall,
    ReportFileSha256,
    ReportValidationTime,
    ReportSeal,
    ReportPolicy,
    Yes,
    No,
}

impl Text {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(&self.message())
    }

    /// The text in the three languages.
    pub fn message(self) -> Message {
        use Text::*;
        match self {
            Tagline => m(
                "Электрондық цифрлық қолтаңбаларды тексеру қызметі",
                "Сервис проверки электронных цифровых подписей",
                "Electronic digital signature verification service",
            ),
            NavHome => m("Басты бет", "Главная", "Home"),
            NavCheck => m("Файлды тексеру", "Проверить файл", "Check a file"),
            NavDocs => m("API анықтамасы", "Справочник API", "API reference"),
            NavHealth => m("Қызмет күйі", "Состояние сервиса", "Service health"),
            Language => m("Тіл", "Язык", "Language"),
            Footer => m(
                "qoltanba: мемлекеттік қызметтердің нәтижелеріне қойылған қолтаңбаларды тексеру. Бұл беттер сыртқы ресурстарсыз және JavaScript-сіз жұмыс істейді.",
                "qoltanba: проверка подписей на результатах государственных услуг. Эти страницы работают без внешних ресурсов и без JavaScript.",
                "qoltanba: checking the signatures on the results of public services. These pages work without outside resources and without JavaScript.",
            ),
            FrontTitle => m(
                "Электрондық құжаттың түпнұсқалығын тексеру",
                "Проверка подлинности электронного документа",
                "Check that an electronic document is genuine",
            ),
            FrontIntro => m(
                "qoltanba мемлекеттік қызмет нәтижелеріне уәкілетті тұлғалардың электрондық цифрлық қолтаңбасын қояды және кез келген адамға олардың түпнұсқалығын тексеруге мүмкіндік береді: қолтаңба жарамды ма, тіркеу куәлігі сенімді, жарамды және кері қайтарылмаған ба, құжат қол қойылғаннан кейін өзгертілді ме.",
                "qoltanba подписывает результаты государственных услуг электронной цифровой подписью уполномоченных лиц и позволяет любому проверить их подлинность: верна ли подпись, доверенное ли, действующее ли и не отозвано ли регистрационное свидетельство, не изменён ли документ после подписания.",
                "qoltanba signs the results of public services with the electronic digital signature of authorised officers, and lets anyone check them: whether the signature is valid, whether the certificate is trusted, in force and not revoked, and whether the document was changed after it was signed.",
            ),
            FrontQr => m(
                "Құжатты тексеру үшін мөртабандағы QR-кодты телефонмен сканерлеңіз: ол осы қызметтің тексеру бетін ашады.",
                "Чтобы проверить документ, отсканируйте телефоном QR-код на штампе: он откроет страницу проверки этого сервиса.",
                "To check a document, scan the QR code on its stamp with a phone: it opens this service's verification page.",
            ),
            FrontCheck => m(
                "Қол қойылған кез келген файлды тексеру: PDF, CMS немесе XML",
                "Проверить любой подписанный файл: PDF, CMS или XML",
                "Check any signed file: PDF, CMS or XML",
            ),
            FrontApi => m(
                "Порталдар мен ведомстволық жүйелерге арналған API анықтамасы",
                "Справочник API для порталов и ведомственных систем",
                "The API reference for portals and agency systems",
            ),
            FrontHealth => m(
                "Қызметтің жұмыс күйі (JSON)",
                "Состояние сервиса (JSON)",
                "Service health (JSON)",
            ),
            FrontPrivacy => m(
                "Тексеру беттерінде өтініш берушінің деректері көрсетілмейді; тексеруге жүктелген файлдар сақталмайды.",
                "На страницах проверки не показываются данные заявителя; файлы, загруженные для проверки, не сохраняются.",
                "The verification pages show no applicant data; files uploaded for a check are not stored.",
            ),
            VerifyTitle => m(
                "Құжатты тексеру",
                "Проверка документа",
                "Document verification",
            ),
            Valid => m(
                "Құжат жарамды",
                "Документ действителен",
                "The document is valid",
            ),
            ValidLead => m(
                "Бұл құжат осы қызмет арқылы берілді және қол қойылды. Оның барлық қолтаңбасы қазір, кері қайтарылған тіркеу куәліктерінің ағымдағы деректері бойынша тексерілді және жарамды.",
                "Этот документ выдан и подписан через этот сервис. Все его подписи проверены сейчас, по текущим данным об отзыве регистрационных свидетельств, и действительны.",
                "This document was issued and signed through this service. Every signature on it was checked now, against current revocation data, and is valid.",
            ),
            Invalid => m(
                "Құжат жарамсыз",
                "Документ недействителен",
                "The document is not valid",
            ),
            InvalidLead => m(
                "Бұл құжат осы қызмет арқылы берілді, бірақ қазір тексерілгенде оның қолтаңбасы расталмады. Себебі төменде көрсетілген.",
                "Этот документ выдан через этот сервис, но при проверке сейчас его подпись не подтверждена. Причина указана ниже.",
                "This document was issued through this service, but checked now its signature is not confirmed. The reason is below.",
            ),
            Unconfirmed => m(
                "Құжаттың жарамдылығы қазір расталмады",
                "Действительность документа сейчас не подтверждена",
                "The document's validity could not be confirmed now",
            ),
            UnconfirmedLead => m(
                "Бұл құжат осы қызмет арқылы берілді, бірақ қолтаңбаны қазір толық тексеру мүмкін болмады (мысалы, кері қайтару деректері қолжетімсіз). Кейінірек қайталаңыз.",
                "Этот документ выдан через этот сервис, но полностью проверить подпись сейчас не удалось (например, недоступны данные об отзыве). Повторите позже.",
                "This document was issued through this service, but its signature could not be fully checked now (for example, revocation data is unavailable). Try again later.",
            ),
            NotFound => m(
                "Мұндай құжат табылмады",
                "Такой документ не найден",
                "No such document",
            ),
            NotFoundLead => m(
                "Бұл қызмет бұл сілтемеге сәйкес келетін құжат бермеген: нөмір немесе қол қойылған нұсқаның хэші сәйкес келмейді. Түпнұсқа құжаттағы QR-кодты қайта сканерлеңіз. Құжатқа енгізілген кез келген өзгеріс оның хэшін өзгертеді.",
                "Этот сервис не выдавал документа, соответствующего этой ссылке: номер или хэш подписанной редакции не совпадает. Отсканируйте QR-код на оригинале документа ещё раз. Любое изменение документа меняет его хэш.",
                "This service issued no document that matches this link: the number or the hash of the signed revision does not match. Scan the QR code on the original document again. Any change to a document changes its hash.",
            ),
            Malformed => m(
                "Сілтеме бүлінген",
                "Ссылка повреждена",
                "The link is damaged",
            ),
            MalformedLead => m(
                "Тексеру сілтемесінде құжат нөмірі (doc) және қол қойылған нұсқаның SHA-256 хэші (sha256, 64 он алтылық таңба) болуы керек. QR-кодты қайта сканерлеңіз.",
                "Ссылка проверки должна содержать номер документа (doc) и SHA-256 подписанной редакции (sha256, 64 шестнадцатеричных символа). Отсканируйте QR-код ещё раз.",
                "A verification link carries the document number (doc) and the SHA-256 of the signed revision (sha256, 64 hexadecimal characters). Scan the QR code again.",
            ),
            DocumentNumber => m("Құжат нөмірі", "Номер документа", "Document number"),
            SignedRevision => m(
                "Қол қойылған нұсқаның SHA-256 хэші",
                "SHA-256 подписанной редакции",
                "SHA-256 of the signed revision",
            ),
            CheckedAt => m("Тексерілген уақыты", "Время проверки", "Checked at"),
            Signature => m("Қолтаңба", "Подпись", "Signature"),
            Signer => m("Қол қойған", "Подписал", "Signed by"),
            Position => m("Лауазымы", "Должность", "Position"),
            Organisation => m("Ұйым", "Организация", "Organisation"),
            Bin => m("БСН", "БИН", "BIN"),
            SigningTime => m("Қол қойылған уақыты", "Время подписания", "Signing time"),
            Timestamp => m("Уақыт белгісі", "Метка времени", "Time-stamp"),
            NoTimestamp => m("жоқ", "нет", "none"),
            Result => m("Нәтиже", "Результат", "Result"),
            KzTime => m(
                "Қазақстан уақыты, UTC+5",
                "время Казахстана, UTC+5",
                "Kazakhstan time, UTC+5",
            ),
            LongTerm => m(
                "Тіркеу куәлігі қол қойылғаннан кейін кері қайтарылды. Уақыт белгісі қолтаңбаның кері қайтарылғанға дейін қойылғанын дәлелдейді, сондықтан ол жарамды болып қалады (ұзақ мерзімді тексеру).",
                "Регистрационное свидетельство отозвано после подписания. Метка времени доказывает, что подпись поставлена до отзыва, поэтому она остаётся действительной (долгосрочная проверка).",
                "The certificate was revoked after the signing. The time-stamp proves that the signature came first, so it stays valid (long-term validation).",
            ),
            RevokedAt => m("Кері қайтарылған уақыты", "Время отзыва", "Revoked at"),
            Privacy => m(
                "Бұл бетте өтініш берушінің деректері көрсетілмейді.",
                "На этой странице не показываются данные заявителя.",
                "This page shows no applicant data.",
            ),
            AccessTitle => m(
                "Құжаттың өзін көру",
                "Просмотр самого документа",
                "See the document itself",
            ),
            AccessLead => m(
                "Құжат мөртабандағы QR-кодтың жанында басылған қолжетімділік кодын енгізген адамға ғана ашылады.",
                "Документ открывается только тому, кто введёт код доступа, напечатанный рядом с QR-кодом на штампе.",
                "The document opens only for someone who enters the access code printed beside the QR code on the stamp.",
            ),
            AccessCode => m("Қолжетімділік коды", "Код доступа", "Access code"),
            AccessOpen => m("Құжатты ашу", "Открыть документ", "Open the document"),
            AccessWrong => m("Код дұрыс емес.", "Неверный код.", "The code is wrong."),
            AccessTriesLeft => m("Қалған әрекеттер саны", "Осталось попыток", "Tries left"),
            AccessLocked => m(
                "Бұл құжатқа тым көп сәтсіз әрекет жасалды. Кейінірек қайталаңыз.",
                "Слишком много неудачных попыток для этого документа. Повторите позже.",
                "Too many wrong codes were tried for this document. Try again later.",
            ),
            PosHead => m("Басшы", "Руководитель", "Head"),
            PosMaySign => m(
                "Қол қою құқығы бар тұлға",
                "Лицо с правом подписи",
                "Person authorised to sign",
            ),
            PosEmployee => m("Қызметкер", "Сотрудник", "Employee"),
            PosOfficial => m("Лауазымды тұлға", "Должностное лицо", "Official"),
            CheckTitle => m(
                "Қол қойылған файлды тексеру",
                "Проверка подписанного файла",
                "Check a signed file",
            ),
            CheckLead => m(
                "Қол қойылған PDF, CMS конвертін (.p7s, .cms; бөлек қолтаңба болса, қол қойылған деректерімен бірге) немесе қол қойылған XML жүктеңіз. Файл тексерілгеннен кейін сақталмайды.",
                "Загрузите подписанный PDF, конверт CMS (.p7s, .cms; для отделённой подписи вместе с подписанными данными) или подписанный XML. Файл не сохраняется после проверки.",
                "Upload a signed PDF, a CMS envelope (.p7s, .cms; for a detached signature together with the signed data) or a signed XML. The file is not kept after the check.",
            ),
            CheckFile => m("Қол қойылған файл", "Подписанный файл", "Signed file"),
            CheckData => m(
                "Қол қойылған деректер (бөлек CMS қолтаңбасы үшін, міндетті емес)",
                "Подписанные данные (для отделённой подписи CMS, необязательно)",
                "Signed data (for a detached CMS signature, optional)",
            ),
            CheckSubmit => m("Тексеру", "Проверить", "Check"),
            CheckAnother => m(
                "Басқа файлды тексеру",
                "Проверить другой файл",
                "Check another file",
            ),
            CheckNoFile => m(
                "Файл таңдалмаған.",
                "Файл не выбран.",
                "No file was chosen.",
            ),
            CheckTooLarge => m(
                "Файл тым үлкен.",
                "Файл слишком большой.",
                "The file is too large.",
            ),
            CheckRateLimited => m(
                "Тексеру сұраулары тым көп. Бір минуттан кейін қайталаңыз.",
                "Слишком много запросов проверки. Повторите через минуту.",
                "Too many checks were asked for. Try again in a minute.",
            ),
            CheckBusy => m(
                "Қызмет қазір бос емес. Біраздан кейін қайталаңыз.",
                "Сервис сейчас занят. Повторите немного позже.",
                "The service is busy. Try again shortly.",
            ),
            CheckTimeout => m(
                "Тексеру тым ұзаққа созылды және тоқтатылды.",
                "Проверка заняла слишком много времени и была остановлена.",
                "The check took too long and was stopped.",
            ),
            FileName => m("Файл атауы", "Имя файла", "File name"),
            FileKind => m("Түрі", "Тип", "Kind"),
            FileSize => m("Өлшемі, байт", "Размер, байт", "Size, bytes"),
            Checks => m("Тексерулер", "Проверки", "Checks"),
            Changes => m(
                "Бірінші қолтаңбадан кейінгі өзгерістер",
                "Изменения после первой подписи",
                "Changes after the first signature",
            ),
            NoChanges => m(
                "Қол қойылғаннан кейін құжатқа ештеңе қосылмаған.",
                "После подписания в документ ничего не добавлено.",
                "Nothing was added to the document after it was signed.",
            ),
            ChangeAllowed => m("рұқсат етілген", "допустимо", "allowed"),
            ChangeNotAllowed => m("рұқсат етілмеген", "недопустимо", "not allowed"),
            Revision => m("Нұсқа", "Редакция", "Revision"),
            Reports => m("Есептер", "Отчёты", "Reports"),
            ReportsLead => m(
                "Осы нәтижені есеп ретінде алу: қызмет мөрімен қол қойылған PDF, ETSI TS 119 102-2 XML немесе JSON.",
                "Получить этот результат как отчёт: PDF, подписанный печатью сервиса, XML по ETSI TS 119 102-2 или JSON.",
                "Get this result as a report: a PDF signed with the service's seal, ETSI TS 119 102-2 XML, or JSON.",
            ),
            ReportsAgain => m(
                "Файл үлкен болғандықтан, есеп алу үшін оны қайта таңдаңыз.",
                "Файл большой, поэтому для отчёта выберите его ещё раз.",
                "The file is large: choose it again for a report.",
            ),
            ReportPdf => m("PDF есеп", "Отчёт PDF", "PDF report"),
            ReportXml => m("ETSI XML есеп", "Отчёт ETSI XML", "ETSI XML report"),
            ReportJson => m("JSON", "JSON", "JSON"),
            OutcomePassed => m("өтті", "пройдена", "passed"),
            OutcomeFailed => m("өтпеді", "не пройдена", "failed"),
            OutcomeIndeterminate => m("анықталмады", "не определено", "indeterminate"),
            OutcomeSkipped => m("орындалмады", "не выполнялась", "skipped"),
            Signers => m("Қолтаңбалар", "Подписи", "Signatures"),
            NoSignatures => m(
                "Файлда қолтаңба табылмады.",
                "В файле не найдено подписей.",
                "No signature was found in the file.",
            ),
            DocsTitle => m("API анықтамасы", "Справочник API", "API reference"),
            DocsLead => m(
                "qoltanba HTTP API-і: әр маршрут, оны кім шақыра алады, не қабылдайды және не қайтарады. Машинаға арналған нұсқасы: /openapi.json (OpenAPI 3.1).",
                "HTTP API qoltanba: каждый маршрут, кто может его вызывать, что он принимает и что возвращает. Машиночитаемая версия: /openapi.json (OpenAPI 3.1).",
                "qoltanba's HTTP API: every route, who may call it, what it takes and what it answers. The machine-readable version: /openapi.json (OpenAPI 3.1).",
            ),
            DocsPublic => m("Кілтсіз", "Без ключа", "No key needed"),
            DocsKey => m(
                "API кілті қажет (Authorization: Bearer)",
                "Нужен ключ API (Authorization: Bearer)",
                "API key required (Authorization: Bearer)",
            ),
            DocsRoles => m("Рөлдер", "Роли", "Roles"),
            DocsParameters => m("Параметрлер", "Параметры", "Parameters"),
            DocsBody => m("Сұрау денесі", "Тело запроса", "Request body"),
            DocsResponses => m("Жауаптар", "Ответы", "Responses"),
            DocsJson => m(
                "OpenAPI құжаты (JSON)",
                "Документ OpenAPI (JSON)",
                "The OpenAPI document (JSON)",
            ),
            ReportTitle => m(
                "Электрондық қолтаңбаларды тексеру хаттамасы",
                "Протокол проверки электронных подписей",
                "Signature validation report",
            ),
            ReportOverall => m("Жалпы нәтиже", "Общий результат", "Overall result"),
            ReportFileSha256 => m(
                "Файлдың SHA-256 хэші",
                "SHA-256 файла",
                "SHA-256 of the file",
            ),
            ReportValidationTime => m("Тексеру уақыты", "Время проверки", "Validation time"),
            ReportSeal => m(
                "Бұл хаттамаға qoltanba қызметінің мөрі (электрондық цифрлық қолтаңба) қойылған; оның түпнұсқалығын кез келген PDF тексеру құралымен тексеруге болады.",
                "Этот протокол подписан печатью (электронной цифровой подписью) сервиса qoltanba; его подлинность можно проверить любым средством проверки PDF.",
                "This report is signed with the qoltanba service's seal (an electronic digital signature); any PDF validator can check it.",
            ),
            ReportPolicy => m("Тексеру саясаты", "Политика проверки", "Validation policy"),
            Yes => m("иә", "да", "yes"),
            No => m("жоқ", "нет", "no"),
        }
    }
}

/// A check's name as a person reads it (the stable name when none is known).
pub fn check_name(name: &str, lang: Lang) -> &str {
    let msg = match name {
        "format" => m("Құрылымы", "Структура", "Structure"),
        "content" => m("Қол қойылған деректер", "Подписанные данные", "Signed data"),
        "algorithms" => m("Алгоритмдер", "Алгоритмы", "Algorithms"),
        "digest" => m("Хэш (тұтастық)", "Хэш (целостность)", "Digest (integrity)"),
        "signature" => m("Қолтаңба мәні", "Значение подписи", "Signature value"),
        "timestamp" => m("Уақыт белгісі", "Метка времени", "Time-stamp"),
        "lifetime" => m("Хабарламаның мерзімі", "Срок сообщения", "Message lifetime"),
        "chain" => m("Сенім тізбегі", "Цепочка доверия", "Chain of trust"),
        "validity" => m("Қолданылу мерзімі", "Срок действия", "Validity period"),
        "revocation" => m("Кері қайтарылуы", "Отзыв", "Revocation"),
        "key_usage" => m("Кілттің мақсаты", "Назначение ключа", "Key usage"),
        "iin" => m("ЖСН", "ИИН", "IIN"),
        _ => return name,
    };
    lang.pick(&msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_languages_differ_where_they_should() {
        for t in [
            Text::Valid,
            Text::NotFound,
            Text::CheckTitle,
            Text::ReportTitle,
        ] {
            let msg = t.message();
            assert!(msg.kk != msg.ru && msg.ru != msg.en, "{t:?}");
        }
        assert_eq!(check_name("revocation", Lang::Ru), "Отзыв");
        assert_eq!(check_name("unheard_of", Lang::En), "unheard_of");
    }
}
