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
        Code::SignedElementInvalid => m(
            "ЭЦҚ түпнұсқалығы расталмады: қолтаңба құжаттың өзіне емес, оның басқа бөлігіне қойылған немесе құжатта қол қойылған бөлік екіұшты.",
            "Подлинность ЭЦП не подтверждена: подпись относится не к самому документу, а к другой его части, или подписанная часть документа неоднозначна.",
            "The authenticity of the electronic digital signature was not confirmed: the signature covers another part of the document than the one presented as signed, or the signed part is ambiguous.",
        ),
        Code::MessageExpired => m(
            "ЭЦҚ түпнұсқалығы расталмады: хабарламаның қолданылу мерзімі (WS-Security уақыт белгісі) тексеру уақытын қамтымайды.",
            "Подлинность ЭЦП не подтверждена: срок действия сообщения (метка времени WS-Security) не охватывает время проверки.",
            "The authenticity of the electronic digital signature was not confirmed: the message's lifetime (its WS-Security timestamp) does not cover the validation time.",
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
        Code::TimestampInvalid => m(
            "ЭЦҚ түпнұсқалығы расталмады: қолтаңбаның уақыт белгісі жарамсыз.",
            "Подлинность ЭЦП не подтверждена: метка времени подписи недействительна.",
            "The authenticity of the electronic digital signature was not confirmed: the signature's time-stamp is not valid.",
        ),
        Code::PdfMalformed => m(
            "Құжаттың түпнұсқалығы расталмады: PDF файлы бүлінген немесе оқылмайды.",
            "Подлинность документа не подтверждена: PDF-файл повреждён или не читается.",
            "The authenticity of the document was not confirmed: the PDF file is damaged or cannot be read.",
        ),
        Code::PdfNotSigned => m(
            "Құжаттың түпнұсқалығы расталмады: PDF файлында қолтаңба жоқ.",
            "Подлинность документа не подтверждена: в PDF-файле нет подписи.",
            "The authenticity of the document was not confirmed: the PDF carries no signature.",
        ),
        Code::PdfModified => m(
            "Құжаттың түпнұсқалығы расталмады: PDF қол қойылғаннан кейін өзгертілген.",
            "Подлинность документа не подтверждена: PDF изменён после подписания.",
            "The authenticity of the document was not confirmed: the PDF was changed after it was signed.",
        ),
        Code::ByteRangeInvalid => m(
            "Құжаттың түпнұсқалығы расталмады: қолтаңба файлдың қол қойылған бөлігін дұрыс көрсетпейді.",
            "Подлинность документа не подтверждена: подпись неверно указывает подписанную часть файла.",
            "The authenticity of the document was not confirmed: the signature does not cover the file properly.",
        ),
        Code::DocmdpViolation => m(
            "Құжаттың түпнұсқалығы расталмады: куәландырылған құжатқа рұқсат етілмеген өзгеріс енгізілген.",
            "Подлинность документа не подтверждена: в заверенный документ внесено недопустимое изменение.",
            "The authenticity of the document was not confirmed: the certified document was changed in a way its certification forbids.",
        ),
        Code::PdfAmbiguous => m(
            "Құжаттың түпнұсқалығы расталмады: PDF файлының құрылымы екіұшты, әртүрлі бағдарламалар онда әртүрлі мазмұн көрсетуі мүмкін.",
            "Подлинность документа не подтверждена: структура PDF-файла неоднозначна, разные программы могут показать в нём разное содержимое.",
            "The authenticity of the document was not confirmed: the PDF's structure is ambiguous, so different programs may show different content.",
        ),
        Code::PdfTooComplex => m(
            "Құжаттың түпнұсқалығы тексерілмеді: PDF файлы тым үлкен немесе тым күрделі (нұсқалары не нысандары тым көп).",
            "Подлинность документа не проверена: PDF-файл слишком велик или сложен (слишком много редакций или объектов).",
            "The authenticity of the document was not checked: the PDF is too large or too complex (too many revisions or objects).",
        ),
        Code::PdfSigningTimeMismatch => m(
            "Құжаттың түпнұсқалығы расталмады: қолтаңбадағы қол қою уақыты PDF-те көрсетілген уақытпен сәйкес келмейді.",
            "Подлинность документа не подтверждена: время подписания в подписи не совпадает со временем, указанным в PDF.",
            "The authenticity of the document was not confirmed: the signing time in the signature does not match the time the PDF states.",
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
        P::TooManyRequests => m(
            "Сұраулар тым көп. Бір минуттан кейін қайталап көріңіз.",
            "Слишком много запросов. Повторите попытку через минуту.",
            "Too many requests. Please try again in a minute.",
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
        P::TransitionNotAllowed => m(
            "Өтініш бұл әрекетке рұқсат етілмеген күйде.",
            "Заявка находится в состоянии, в котором это действие недопустимо.",
            "The application is in a state that does not allow this action.",
        ),
        P::SurveyAlreadyAnswered => m(
            "Бұл өтініш бойынша сауалнамаға жауап берілген.",
            "На анкету по этой заявке уже ответили.",
            "The survey for this application has already been answered.",
        ),
        P::PersonNotFound => m(
            "Жеке тұлғалар туралы мемлекеттік дерекқордан деректерді алу мүмкін емес.",
            "Невозможно получить данные из государственной базы данных физических лиц.",
            "The data cannot be obtained from the state database of individuals.",
        ),
        P::PowerOfAttorneyInvalid => m(
            "Өкілдің сенімхаты бірыңғай нотариаттық ақпараттық жүйеде расталмады.",
            "Доверенность представителя не подтверждена в единой нотариальной информационной системе.",
            "The representative's power of attorney was not confirmed in the unified notary information system.",
        ),
        P::EmployeeSignatureRequired => m(
            "Басшы қол қоймас бұрын жобаға қызметкердің қолтаңбасы қойылуы тиіс.",
            "До подписи руководителя проект должен быть подписан работником.",
            "The employee must sign the draft before the head signs it.",
        ),
        P::Internal => m(
            "Қызметтің ішкі қатесі.",
            "Внутренняя ошибка сервиса.",
            "Internal error of the service.",
        ),
    }
}

/// The message for a signer-key store code (`KeyError::code`, e.g.
/// `KEY_EXPIRED`); an unknown code gets a general one.
pub fn key_message(code: &str) -> Message {
    match code {
        "KEY_NOT_FOUND" => m(
            "Мұндай идентификатормен қол қою кілті табылмады.",
            "Ключ подписи с таким идентификатором не найден.",
            "No signing key with this id was found.",
        ),
        "KEY_EXISTS" => m(
            "Мұндай идентификатормен кілт бұрыннан сақталған.",
            "Ключ с таким идентификатором уже сохранён.",
            "A key with this id is already stored.",
        ),
        "KEY_ID_INVALID" => m(
            "Кілт идентификаторы дұрыс емес: 1–64 таңба, тек латын әріптері, цифрлар, нүкте, астыңғы сызық және дефис.",
            "Неверный идентификатор ключа: 1–64 символа, только латинские буквы, цифры, точка, подчёркивание и дефис.",
            "The key id is not valid: 1–64 characters, only Latin letters, digits, dot, underscore and hyphen.",
        ),
        "KEY_P12_INVALID" => m(
            "PKCS#12 файлын ашу мүмкін болмады: файл бүлінген, құпиясөз қате немесе онда қол қою кілті мен оның тіркеу куәлігі жоқ.",
            "Не удалось открыть файл PKCS#12: файл повреждён, пароль неверен или в нём нет ключа подписи с его регистрационным свидетельством.",
            "The PKCS#12 file could not be opened: it is damaged, the password is wrong, or it holds no signing key with its certificate.",
        ),
        "KEY_UNSUPPORTED" => m(
            "Бұл кілт түріне қолдау көрсетілмейді (мысалы, ГОСТ немесе 2048 биттен қысқа RSA). RSA 2048–4096 немесе ECDSA P-256/P-384 кілті қажет.",
            "Этот тип ключа не поддерживается (например, ГОСТ или RSA короче 2048 бит). Нужен ключ RSA 2048–4096 или ECDSA P-256/P-384.",
            "This kind of key is not supported (for example GOST, or RSA shorter than 2048 bits). An RSA 2048–4096 or ECDSA P-256/P-384 key is needed.",
        ),
        "KEY_SEAL_INVALID" => m(
            "Сақталған кілтті ашу мүмкін болмады: басты кілт басқа, немесе кілт файлы өзгертілген не басқа атпен қайта аталған.",
            "Не удалось открыть сохранённый ключ: мастер-ключ другой, либо файл ключа изменён или переименован.",
            "The stored key could not be opened: the master key is a different one, or the key file was changed or renamed.",
        ),
        "KEY_MASTER_KEY_INVALID" => m(
            "Басты кілт файлы дұрыс емес: 32 байт, 64 он алтылық таңба немесе 32 байттың base64 жазбасы қажет.",
            "Файл мастер-ключа неверен: нужны 32 байта, 64 шестнадцатеричных символа или base64 от 32 байт.",
            "The master key file is not valid: it must hold 32 bytes, 64 hex digits or the base64 of 32 bytes.",
        ),
        "KEY_IO" => m(
            "Кілттер қоймасын оқу немесе жазу мүмкін болмады.",
            "Не удалось прочитать или записать хранилище ключей.",
            "The key store could not be read or written.",
        ),
        "KEY_EXPIRED" => m(
            "Қол қою мүмкін емес: кілттің тіркеу куәлігінің қолданылу мерзімі аяқталған.",
            "Подписать невозможно: срок действия регистрационного свидетельства ключа истёк.",
            "Cannot sign: the key's certificate has expired.",
        ),
        "KEY_NOT_YET_VALID" => m(
            "Қол қою мүмкін емес: кілттің тіркеу куәлігінің қолданылу мерзімі әлі басталмаған.",
            "Подписать невозможно: срок действия регистрационного свидетельства ключа ещё не наступил.",
            "Cannot sign: the key's certificate is not yet valid.",
        ),
        "KEY_REVOKED" => m(
            "Қол қою мүмкін емес: кілттің тіркеу куәлігі кері қайтарылған (күші жойылған немесе тоқтатылған).",
            "Подписать невозможно: регистрационное свидетельство ключа отозвано (аннулировано или приостановлено).",
            "Cannot sign: the key's certificate has been revoked (or suspended).",
        ),
        "KEY_NOT_FOR_SIGNING" => m(
            "Қол қою мүмкін емес: бұл тіркеу куәлігі қол қоюға емес, тек аутентификацияға арналған.",
            "Подписать невозможно: это регистрационное свидетельство предназначено не для подписи, а только для аутентификации.",
            "Cannot sign: this certificate is not meant for signing (it is an authentication certificate).",
        ),
        "KEY_CERT_INVALID" => m(
            "Қол қою мүмкін емес: кілттің тіркеу куәлігі тексеруден өтпеді (сенімді тізбек жоқ немесе кері қайтару туралы мәліметтер жоқ).",
            "Подписать невозможно: регистрационное свидетельство ключа не прошло проверку (нет доверенной цепочки или сведений об отзыве).",
            "Cannot sign: the key's certificate did not pass validation (no trusted chain, or no revocation information).",
        ),
        _ => m(
            "Қол қою кілтін пайдалану мүмкін емес.",
            "Ключ подписи нельзя использовать.",
            "The signing key cannot be used.",
        ),
    }
}

/// Every sub-reason key a PDF report can give (docs/verdicts.md lists them).
pub const PDF_REASONS: [&str; 37] = [
    "bytes_after_eof",
    "update_without_xref",
    "section_outside_chain",
    "hidden_section",
    "prev_loop",
    "prev_forward",
    "startxref_mismatch",
    "duplicate_entry",
    "xref_repointed",
    "shadowed_body",
    "xref_target_hidden",
    "trailer_changed",
    "locked_field",
    "new_visible_signature_field",
    "signature",
    "signature_field",
    "timestamp",
    "dss",
    "metadata",
    "catalog",
    "structure",
    "unused",
    "unchanged",
    "form_fill",
    "form_resources",
    "annotation",
    "page_content",
    "overlay",
    "font",
    "xobject",
    "optional_content",
    "page",
    "page_tree",
    "form_structure",
    "freed",
    "trailer",
    "other",
];

/// The text of a PDF sub-reason: what was found after (or around) a
/// signature, in words a citizen can be shown.
pub fn pdf_reason(key: &str) -> Message {
    match key {
        "bytes_after_eof" => m(
            "Файлдың соңғы «%%EOF» белгісінен кейін бөгде байттар қосылған.",
            "После последней отметки «%%EOF» к файлу дописаны посторонние байты.",
            "Bytes were appended after the file's last %%EOF marker.",
        ),
        "update_without_xref" => m(
            "Файлдың соңына сілтемелер кестесіз нысандар қосылған: кейбір бағдарламалар оларды көрсетеді.",
            "В конец файла дописаны объекты без таблицы ссылок: некоторые программы их покажут.",
            "Objects were appended to the file without a cross-reference section; some programs will show them.",
        ),
        "section_outside_chain" => m(
            "Файлда сілтемелер тізбегі өткізіп жіберетін сілтемелер бөлімі бар.",
            "В файле есть раздел ссылок, который цепочка ссылок пропускает.",
            "The file holds a cross-reference section that the chain of sections skips.",
        ),
        "hidden_section" => m(
            "Сілтемелер бөлімі файлдың басқа бөлігінің ішіне жасырылған.",
            "Раздел ссылок спрятан внутри другой части файла.",
            "A cross-reference section is hidden inside another part of the file.",
        ),
        "prev_loop" => m(
            "Файл нұсқаларының тізбегі (/Prev) тұйықталған.",
            "Цепочка редакций файла (/Prev) замкнута в петлю.",
            "The chain of the file's revisions (/Prev) loops.",
        ),
        "prev_forward" => m(
            "Файл нұсқаларының тізбегі (/Prev) кейінгі нұсқаға сілтейді.",
            "Цепочка редакций файла (/Prev) указывает на более позднюю редакцию.",
            "The chain of the file's revisions (/Prev) points forward to a later revision.",
        ),
        "startxref_mismatch" => m(
            "Нұсқаның өз «startxref» белгісі басқа сілтемелер бөлімін көрсетеді.",
            "Собственная отметка «startxref» редакции указывает на другой раздел ссылок.",
            "A revision's own startxref names another cross-reference section.",
        ),
        "duplicate_entry" => m(
            "Бір сілтемелер бөлімінде бір нысан екі рет әртүрлі көрсетілген.",
            "В одном разделе ссылок один объект указан дважды по-разному.",
            "One cross-reference section lists an object twice, differently.",
        ),
        "xref_repointed" => m(
            "Жаңарту қол қойылған нысанды файлдың бұрынғы бөлігіндегі басқа денеге бағыттаған.",
            "Обновление перенаправило подписанный объект на другое тело в ранее записанной части файла.",
            "An update re-points an object at another body in an earlier part of the file.",
        ),
        "shadowed_body" => m(
            "Файлды қалпына келтіретін бағдарлама нысанның басқа нұсқасын таңдайды.",
            "Программа, восстанавливающая файл, выберет другую версию объекта.",
            "A program that recovers the file would pick another version of an object.",
        ),
        "xref_target_hidden" => m(
            "Сілтемелер кестесі нысан жоқ немесе басқа нысанның ішіндегі орынды көрсетеді.",
            "Таблица ссылок указывает на место, где нет объекта или где он спрятан внутри другого.",
            "The cross-reference table points where no object starts, or inside another object.",
        ),
        "trailer_changed" => m(
            "Жаңарту файлдың түбірін (/Root), шифрлауын немесе мәліметін басқа нысанға бағыттаған.",
            "Обновление перенаправило корень файла (/Root), шифрование или сведения на другой объект.",
            "An update points the file's root (/Root), encryption or information at another object.",
        ),
        "locked_field" => m(
            "Қол қоюшы өзгертуге тыйым салған өріс өзгертілген.",
            "Изменено поле, изменение которого подписант запретил.",
            "A field the signer locked was changed.",
        ),
        "new_visible_signature_field" => m(
            "Куәландырылған құжатқа бет үстіне салынатын жаңа көрінетін қолтаңба өрісі қосылған.",
            "В заверенный документ добавлено новое видимое поле подписи, рисуемое поверх страницы.",
            "A new visible signature field, drawn over the page, was added to the certified document.",
        ),
        "signature" => m(
            "Куәландыру рұқсат етпейтін жаңа қолтаңба қосылған.",
            "Добавлена новая подпись, которую заверение не разрешает.",
            "A new signature was added, which the certification does not allow.",
        ),
        "signature_field" => m(
            "Куәландыру рұқсат етпейтін қолтаңба өрісі қосылған немесе толтырылған.",
            "Добавлено или заполнено поле подписи, что заверение не разрешает.",
            "A signature field was added or filled, which the certification does not allow.",
        ),
        "timestamp" => m(
            "Рұқсат етілмеген уақыт белгісі қосылған.",
            "Добавлена неразрешённая метка времени.",
            "A time-stamp was added where it is not allowed.",
        ),
        "dss" => m(
            "Тексеру деректері (DSS) рұқсат етілмеген түрде өзгертілген.",
            "Данные для проверки (DSS) изменены недопустимым образом.",
            "The validation data (DSS) was changed in a way that is not allowed.",
        ),
        "metadata" => m(
            "Құжат мәліметтері рұқсат етілмеген түрде өзгертілген.",
            "Сведения о документе изменены недопустимым образом.",
            "The document's metadata was changed in a way that is not allowed.",
        ),
        "catalog" => m(
            "Құжаттың негізгі сөздігі (каталог) өзгертілген.",
            "Изменён каталог документа.",
            "The document's catalog was changed.",
        ),
        "structure" => m(
            "Файлдың құрылымы рұқсат етілмеген түрде өзгертілген.",
            "Структура файла изменена недопустимым образом.",
            "The file's structure was changed in a way that is not allowed.",
        ),
        "unused" => m(
            "Еш нәрсе сілтемейтін нысандар рұқсат етілмеген жерде қосылған.",
            "Добавлены объекты, на которые ничто не ссылается, где это не разрешено.",
            "Objects nothing refers to were added where that is not allowed.",
        ),
        "unchanged" => m(
            "Нысандар өзгеріссіз қайта жазылған.",
            "Объекты перезаписаны без изменений.",
            "Objects were rewritten unchanged.",
        ),
        "form_fill" => m(
            "Куәландыру рұқсат етпейтін форма өрісі толтырылған.",
            "Заполнено поле формы, что заверение не разрешает.",
            "A form field was filled in, which the certification does not allow.",
        ),
        "form_resources" => m(
            "Форманың ресурстары рұқсат етілмеген түрде өзгертілген.",
            "Ресурсы формы изменены недопустимым образом.",
            "The form's resources were changed in a way that is not allowed.",
        ),
        "annotation" => m(
            "Құжатқа ескертпе (аннотация) қосылған, өзгертілген немесе жойылған.",
            "В документ добавлено, изменено или удалено примечание (аннотация).",
            "An annotation (comment) was added, changed or deleted.",
        ),
        "page_content" => m(
            "Беттің мазмұны ауыстырылған немесе өзгертілген.",
            "Содержимое страницы заменено или изменено.",
            "A page's content was replaced or changed.",
        ),
        "overlay" => m(
            "Беттің үстіне жаңа мазмұн салынған.",
            "Поверх страницы нарисовано новое содержимое.",
            "New content was drawn over a page.",
        ),
        "font" => m(
            "Қаріп қайта анықталған: мәтін басқаша көрінуі немесе оқылуы мүмкін.",
            "Шрифт переопределён: текст может выглядеть или читаться иначе.",
            "A font was redefined: the text may look or read differently.",
        ),
        "xobject" => m(
            "Суреттер мен пішіндер (XObject) басқа мазмұнға бағытталған немесе қайта жазылған.",
            "Изображение или форма (XObject) перенаправлены на другое содержимое или перезаписаны.",
            "An image or form (XObject) was re-pointed or rewritten.",
        ),
        "optional_content" => m(
            "Қабаттар (optional content) өзгертілген: көрінетін мазмұн басқа болуы мүмкін.",
            "Изменены слои (optional content): видимое содержимое может стать другим.",
            "Optional content (layers) changed: what is visible may differ.",
        ),
        "page" => m(
            "Беттің параметрлері немесе ресурстары өзгертілген.",
            "Изменены параметры или ресурсы страницы.",
            "A page's settings or resources were changed.",
        ),
        "page_tree" => m(
            "Беттер қосылған, жойылған немесе орны ауыстырылған.",
            "Страницы добавлены, удалены или переставлены.",
            "Pages were added, removed or reordered.",
        ),
        "form_structure" => m(
            "Форманың құрылымы өзгертілген: өріс қосылған, жойылған немесе қол қойылған өріс өзгертілген.",
            "Изменена структура формы: поле добавлено, удалено или изменено подписанное поле.",
            "The form's structure changed: a field was added, removed, or a signed field changed.",
        ),
        "freed" => m(
            "Қол қойылған құжаттың нысаны жойылған.",
            "Удалён объект подписанного документа.",
            "An object of the signed document was deleted.",
        ),
        "trailer" => m(
            "Файлдың түбірі (/Root) немесе шифрлауы өзгертілген.",
            "Изменён корень файла (/Root) или его шифрование.",
            "The file's root (/Root) or its encryption was changed.",
        ),
        _ => m(
            "Құжат қол қойылғаннан кейін рұқсат етілмеген түрде өзгертілген.",
            "Документ изменён после подписания недопустимым образом.",
            "The document was changed after signing in a way that is not allowed.",
        ),
    }
}
