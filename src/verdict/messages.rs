//! The one table of verdict texts, keyed by code, in Kazakh, Russian and English.
//!
//! Every failure text starts with the regulations' refusal ("the authenticity
//! of the EDS was not confirmed") and then says why, in words a citizen can be
//! shown. Adding a code without its three texts does not compile.

use super::{Code, Message};

const fn m(kk: &'static str, ru: &'static str, en: &'static str) -> Message {
    Message { kk, ru, en }
}

/// The message for a code.
pub fn message(code: Code) -> Message {
    match code {
        Code::Ok => m(
            "ЭЦҚ түпнұсқалығы расталды: қолтаңба жарамды, тіркеу куәлігі сенімді, жарамды және кері қайтарылмаған.",
            "Подлинность ЭЦП подтверждена: подпись верна, регистрационное свидетельство доверенное, действующее и не отозвано.",
            "The authenticity of the electronic digital signature is confirmed: the signature is valid and the certificate is trusted, in force and not revoked.",
        ),
        Code::EnvelopeMalformed => m(
            "ЭЦҚ түпнұсқалығы расталмады: қол қойылған құжаттың құрылымы бүлінген немесе оқылмайды.",
            "Подлинность ЭЦП не подтверждена: подписанный документ повреждён или не может быть прочитан.",
            "The authenticity of the electronic digital signature was not confirmed: the signed document is damaged or cannot be read.",
        ),
        Code::ContentMissing => m(
            "ЭЦҚ түпнұсқалығы расталмады: қол қойылған деректер берілмеген.",
            "Подлинность ЭЦП не подтверждена: не переданы подписанные данные.",
            "The authenticity of the electronic digital signature was not confirmed: the signed data was not provided.",
        ),
        Code::AlgorithmUnsupported => m(
            "ЭЦҚ түпнұсқалығы расталмады: қолтаңба қолдау көрсетілмейтін немесе ескірген криптографиялық алгоритммен жасалған.",
            "Подлинность ЭЦП не подтверждена: подпись создана неподдерживаемым или устаревшим криптографическим алгоритмом.",
            "The authenticity of the electronic digital signature was not confirmed: it uses an unsupported or outdated cryptographic algorithm.",
        ),
        Code::DigestMismatch => m(
            "ЭЦҚ түпнұсқалығы расталмады: құжат қол қойылғаннан кейін өзгертілген.",
            "Подлинность ЭЦП не подтверждена: документ изменён после подписания.",
            "The authenticity of the electronic digital signature was not confirmed: the document was changed after it was signed.",
        ),
        Code::SignatureInvalid => m(
            "ЭЦҚ түпнұсқалығы расталмады: қолтаңба тіркеу куәлігінің кілтіне сәйкес келмейді.",
            "Подлинность ЭЦП не подтверждена: подпись не соответствует ключу регистрационного свидетельства.",
            "The authenticity of the electronic digital signature was not confirmed: the signature does not match the certificate's key.",
        ),
        Code::SignerCertMissing => m(
            "ЭЦҚ түпнұсқалығы расталмады: қол қоюшының тіркеу куәлігі табылмады.",
            "Подлинность ЭЦП не подтверждена: регистрационное свидетельство подписавшего не найдено.",
            "The authenticity of the electronic digital signature was not confirmed: the signer's certificate was not found.",
        ),
        Code::ChainUntrusted => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәлігі сенімді куәландырушы орталықпен берілмеген.",
            "Подлинность ЭЦП не подтверждена: регистрационное свидетельство выдано не доверенным удостоверяющим центром.",
            "The authenticity of the electronic digital signature was not confirmed: the certificate was not issued by a trusted certification authority.",
        ),
        Code::ChainInvalid => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәліктерінің тізбегі ережелерге сай емес.",
            "Подлинность ЭЦП не подтверждена: цепочка регистрационных свидетельств нарушает установленные правила.",
            "The authenticity of the electronic digital signature was not confirmed: the certificate chain breaks the rules for certification authorities.",
        ),
        Code::CertExpired => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәлігінің қолданылу мерзімі аяқталған.",
            "Подлинность ЭЦП не подтверждена: срок действия регистрационного свидетельства истёк.",
            "The authenticity of the electronic digital signature was not confirmed: the certificate has expired.",
        ),
        Code::CertNotYetValid => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәлігінің қолданылу мерзімі әлі басталмаған.",
            "Подлинность ЭЦП не подтверждена: срок действия регистрационного свидетельства ещё не наступил.",
            "The authenticity of the electronic digital signature was not confirmed: the certificate is not yet valid.",
        ),
        Code::CrlInvalid => m(
            "ЭЦҚ түпнұсқалығы расталмады: кері қайтарылған куәліктер тізімі жарамсыз.",
            "Подлинность ЭЦП не подтверждена: список отозванных свидетельств недействителен.",
            "The authenticity of the electronic digital signature was not confirmed: the certificate revocation list is not valid.",
        ),
        Code::OcspInvalid => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәлігінің мәртебесі туралы OCSP жауабы жарамсыз.",
            "Подлинность ЭЦП не подтверждена: ответ OCSP о статусе регистрационного свидетельства недействителен.",
            "The authenticity of the electronic digital signature was not confirmed: the OCSP response on the certificate's status is not valid.",
        ),
        Code::RevocationUnavailable => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәлігінің кері қайтарылмағанын тексеру мүмкін болмады. Кейінірек қайталап көріңіз.",
            "Подлинность ЭЦП не подтверждена: не удалось проверить, не отозвано ли регистрационное свидетельство. Повторите попытку позже.",
            "The authenticity of the electronic digital signature was not confirmed: it could not be checked whether the certificate is revoked. Please try again later.",
        ),
        Code::RevocationStale => m(
            "ЭЦҚ түпнұсқалығы расталмады: кері қайтарылған куәліктер туралы мәліметтер ескірген. Кейінірек қайталап көріңіз.",
            "Подлинность ЭЦП не подтверждена: сведения об отозванных свидетельствах устарели. Повторите попытку позже.",
            "The authenticity of the electronic digital signature was not confirmed: the revocation information is out of date. Please try again later.",
        ),
        Code::CertRevoked => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәлігі кері қайтарылған (күші жойылған).",
            "Подлинность ЭЦП не подтверждена: регистрационное свидетельство отозвано (аннулировано).",
            "The authenticity of the electronic digital signature was not confirmed: the certificate has been revoked.",
        ),
        Code::KeyUsageInvalid => m(
            "ЭЦҚ түпнұсқалығы расталмады: бұл тіркеу куәлігі қол қоюға емес, тек аутентификацияға арналған.",
            "Подлинность ЭЦП не подтверждена: это регистрационное свидетельство предназначено не для подписи, а только для аутентификации.",
            "The authenticity of the electronic digital signature was not confirmed: this certificate is not meant for signing (for example, it is an authentication certificate).",
        ),
        Code::IinInvalid => m(
            "ЭЦҚ түпнұсқалығы расталмады: ЖСН дұрыс емес (бақылау саны сәйкес келмейді).",
            "Подлинность ЭЦП не подтверждена: ИИН указан неверно (не сходится контрольный разряд).",
            "The authenticity of the electronic digital signature was not confirmed: the IIN is not valid (its check digit does not match).",
        ),
        Code::IinMissing => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәлігінде ЖСН жоқ.",
            "Подлинность ЭЦП не подтверждена: в регистрационном свидетельстве нет ИИН.",
            "The authenticity of the electronic digital signature was not confirmed: the certificate carries no IIN.",
        ),
        Code::IinMismatch => m(
            "ЭЦҚ түпнұсқалығы расталмады: сұраудағы ЖСН тіркеу куәлігіндегі ЖСН-ге сәйкес келмейді.",
            "Подлинность ЭЦП не подтверждена: ИИН в запросе не совпадает с ИИН в регистрационном свидетельстве.",
            "The authenticity of the electronic digital signature was not confirmed: the IIN in the request does not match the IIN in the certificate.",
        ),
        Code::CertMalformed => m(
            "ЭЦҚ түпнұсқалығы расталмады: тіркеу куәлігі бүлінген немесе оқылмайды.",
            "Подлинность ЭЦП не подтверждена: регистрационное свидетельство повреждено или не может быть прочитано.",
            "The authenticity of the electronic digital signature was not confirmed: the certificate is damaged or cannot be read.",
        ),
    }
}

/// The message for a refused request.
pub fn problem_message(code: super::problem::ProblemCode) -> Message {
    use super::problem::ProblemCode as P;
    match code {
        P::RequestInvalidJson => m(
            "Сұрау дұрыс JSON емес.",
            "Запрос не является корректным JSON.",
            "The request is not valid JSON.",
        ),
        P::RequestFieldMissing => m(
            "Сұрауда міндетті өріс жоқ.",
            "В запросе отсутствует обязательное поле.",
            "A required field is missing from the request.",
        ),
        P::RequestFieldUnknown => m(
            "Сұрауда белгісіз өріс бар.",
            "В запросе есть неизвестное поле.",
            "The request has a field this service does not know.",
        ),
        P::RequestFieldInvalid => m(
            "Сұраудағы өрістің мәні дұрыс емес.",
            "Значение поля в запросе неверно.",
            "A field of the request has a wrong type or value.",
        ),
        P::RequestBase64Invalid => m(
            "Өріс дұрыс base64 емес.",
            "Поле не является корректным base64.",
            "A field is not valid base64.",
        ),
        P::RequestTooLarge => m(
            "Сұрау тым үлкен.",
            "Запрос слишком большой.",
            "The request is too large.",
        ),
        P::RequestMediaType => m(
            "Сұрау application/json түрінде жіберілуі керек.",
            "Запрос должен быть отправлен как application/json.",
            "The request must be sent as application/json.",
        ),
        P::Unauthenticated => m(
            "API кілті жоқ немесе жарамсыз.",
            "API-ключ отсутствует или недействителен.",
            "The API key is missing or not valid.",
        ),
        P::Forbidden => m(
            "Бұл әрекетке рұқсат жоқ.",
            "Нет прав на это действие.",
            "This key's role may not do this.",
        ),
        P::NotFound => m(
            "Сұралған нысан табылмады.",
            "Запрошенный объект не найден.",
            "Not found.",
        ),
        P::MethodNotAllowed => m(
            "Бұл әдіске рұқсат етілмеген.",
            "Этот метод не разрешён.",
            "This method is not allowed here.",
        ),
        P::Timeout => m(
            "Сұрау уақытында өңделмеді. Кейінірек қайталап көріңіз.",
            "Запрос не обработан вовремя. Повторите попытку позже.",
            "The request took too long. Please try again later.",
        ),
        P::NotImplemented => m(
            "Бұл мүмкіндік әлі іске қосылмаған.",
            "Эта возможность ещё не реализована.",
            "This capability is not available yet.",
        ),
        P::ServiceUnavailable => m(
            "Қызмет уақытша қолжетімсіз. Кейінірек қайталап көріңіз.",
            "Сервис временно недоступен. Повторите попытку позже.",
            "The service is temporarily unavailable. Please try again later.",
        ),
        P::Internal => m(
            "Қызметтің ішкі қатесі.",
            "Внутренняя ошибка сервиса.",
            "Internal error of the service.",
        ),
    }
}
