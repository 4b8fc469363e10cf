#include "iglu/builtin_schemas.h"

namespace footfall::iglu {
namespace {

// Written from what each tracker sends; every one is checked against a realistic instance in
// builtin_schemas_test.cc. Alphabetical by vendor, name and version.
constexpr BuiltinSchema kSchemas[] = {
    {"iglu:com.footfall/body_model/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A visitor creating the body model that virtual try-ons fit garments on",
  "self": {
    "vendor": "com.footfall",
    "name": "body_model",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "method": {
      "type": "string",
      "enum": ["measurements", "photo", "size_quiz"]
    },
    "height_cm": {
      "type": ["integer", "null"],
      "minimum": 50,
      "maximum": 250
    },
    "fit_preference": {
      "type": ["string", "null"],
      "enum": ["slim", "regular", "relaxed", null]
    },
    "duration_ms": {
      "type": ["integer", "null"],
      "minimum": 0
    }
  },
  "required": ["method"],
  "additionalProperties": false
})json"},
    {"iglu:com.footfall/try_on/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A virtual try-on of a garment on the site",
  "self": {
    "vendor": "com.footfall",
    "name": "try_on",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "product_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 255
    },
    "garment_category": {
      "type": "string",
      "maxLength": 255
    },
    "outcome": {
      "type": "string",
      "enum": ["started", "completed", "abandoned", "added_to_cart"]
    },
    "duration_ms": {
      "type": ["integer", "null"],
      "minimum": 0
    }
  },
  "required": ["product_id"],
  "additionalProperties": false
})json"},
    {"iglu:com.footfall/workflow_step/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A case (e.g. a garment or a shoot) starting or completing an activity of a workflow",
  "self": {
    "vendor": "com.footfall",
    "name": "workflow_step",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "case_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 255
    },
    "activity": {
      "type": "string",
      "minLength": 1,
      "maxLength": 255
    },
    "lifecycle": {
      "type": "string",
      "enum": ["start", "complete"]
    },
    "resource": {
      "type": ["string", "null"],
      "maxLength": 255
    },
    "cost": {
      "type": ["number", "null"],
      "minimum": 0
    }
  },
  "required": ["case_id", "activity", "lifecycle"],
  "additionalProperties": false
})json"},
    {"iglu:com.google.analytics/cookies/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The Google Analytics cookies the JavaScript tracker can attach",
  "self": {
    "vendor": "com.google.analytics",
    "name": "cookies",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "__utma": {
      "type": "string"
    },
    "__utmb": {
      "type": "string"
    },
    "__utmc": {
      "type": "string"
    },
    "__utmv": {
      "type": "string"
    },
    "__utmz": {
      "type": "string"
    },
    "_ga": {
      "type": "string"
    }
  },
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/add_to_cart/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A product added to the cart",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "add_to_cart",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "sku": {
      "type": "string"
    },
    "name": {
      "type": "string"
    },
    "category": {
      "type": "string"
    },
    "unitPrice": {
      "type": "number"
    },
    "quantity": {
      "type": "number"
    },
    "currency": {
      "type": "string",
      "minLength": 3,
      "maxLength": 3
    }
  },
  "required": ["sku", "quantity"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/application_error/jsonschema/1-0-2",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "An error or exception raised in an application",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "application_error",
    "format": "jsonschema",
    "version": "1-0-2"
  },
  "type": "object",
  "properties": {
    "programmingLanguage": {
      "type": "string",
      "enum": ["JAVA", "SCALA", "KOTLIN", "GROOVY", "CLOJURE", "RUBY", "JAVASCRIPT", "TYPESCRIPT", "OBJECTIVEC", "SWIFT", "C", "CPP", "CSHARP", "FSHARP", "PYTHON", "GO", "RUST", "PHP", "DART", "LUA", "ERLANG", "ELIXIR", "HASKELL", "PERL"]
    },
    "message": {
      "type": "string",
      "minLength": 1,
      "maxLength": 2048
    },
    "threadName": {
      "type": ["string", "null"],
      "maxLength": 1024
    },
    "threadId": {
      "type": ["integer", "null"]
    },
    "stackTrace": {
      "type": ["string", "null"],
      "maxLength": 8192
    },
    "causeStackTrace": {
      "type": ["string", "null"],
      "maxLength": 8192
    },
    "lineNumber": {
      "type": ["integer", "null"],
      "minimum": 0
    },
    "lineColumn": {
      "type": ["integer", "null"],
      "minimum": 0
    },
    "fileName": {
      "type": ["string", "null"],
      "maxLength": 1024
    },
    "className": {
      "type": ["string", "null"],
      "maxLength": 1024
    },
    "exceptionName": {
      "type": ["string", "null"],
      "maxLength": 1024
    },
    "isFatal": {
      "type": ["boolean", "null"]
    }
  },
  "required": ["programmingLanguage", "message"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/change_form/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The value of a form field changed",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "change_form",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "formId": {
      "type": "string"
    },
    "elementId": {
      "type": "string"
    },
    "nodeName": {
      "type": "string",
      "enum": ["INPUT", "TEXTAREA", "SELECT"]
    },
    "type": {
      "type": ["string", "null"],
      "enum": ["button", "checkbox", "color", "date", "datetime", "datetime-local", "email", "file", "hidden", "image", "month", "number", "password", "radio", "range", "reset", "search", "submit", "tel", "text", "time", "url", "week", null]
    },
    "elementClasses": {
      "type": ["array", "null"],
      "items": {
        "type": "string"
      }
    },
    "value": {
      "type": ["string", "null"]
    }
  },
  "required": ["formId", "elementId", "nodeName", "value"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-1",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The client-side session of a tracker: user, session, its index and where it is stored",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "client_session",
    "format": "jsonschema",
    "version": "1-0-1"
  },
  "type": "object",
  "properties": {
    "userId": {
      "type": "string",
      "maxLength": 36
    },
    "sessionId": {
      "type": "string",
      "format": "uuid"
    },
    "sessionIndex": {
      "type": "integer",
      "minimum": 0,
      "maximum": 2147483647
    },
    "previousSessionId": {
      "type": ["string", "null"],
      "format": "uuid"
    },
    "storageMechanism": {
      "type": "string",
      "enum": ["SQLITE", "COOKIE_1", "COOKIE_3", "LOCAL_STORAGE", "FLASH_LSO"]
    },
    "firstEventId": {
      "type": ["string", "null"],
      "format": "uuid"
    }
  },
  "required": ["userId", "sessionId", "sessionIndex", "previousSessionId", "storageMechanism"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The client-side session of a tracker: user, session, its index, its first event and where it is stored",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "client_session",
    "format": "jsonschema",
    "version": "1-0-2"
  },
  "type": "object",
  "properties": {
    "userId": {
      "type": "string",
      "maxLength": 36
    },
    "sessionId": {
      "type": "string",
      "format": "uuid"
    },
    "sessionIndex": {
      "type": "integer",
      "minimum": 0,
      "maximum": 2147483647
    },
    "previousSessionId": {
      "type": ["string", "null"],
      "format": "uuid"
    },
    "storageMechanism": {
      "type": "string",
      "enum": ["SQLITE", "COOKIE_1", "COOKIE_3", "LOCAL_STORAGE", "FLASH_LSO"]
    },
    "firstEventId": {
      "type": ["string", "null"],
      "format": "uuid"
    },
    "firstEventTimestamp": {
      "type": ["string", "null"],
      "format": "date-time"
    },
    "eventIndex": {
      "type": ["integer", "null"],
      "minimum": 0,
      "maximum": 2147483647
    }
  },
  "required": ["userId", "sessionId", "sessionIndex", "previousSessionId", "storageMechanism"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/consent_document/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A consent document a user granted or withdrew consent to",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "consent_document",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "id": {
      "type": "string"
    },
    "version": {
      "type": "string"
    },
    "name": {
      "type": "string",
      "maxLength": 60
    },
    "description": {
      "type": "string",
      "maxLength": 10000
    }
  },
  "required": ["id", "version"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The envelope of a list of contexts: self-describing JSON objects, each a schema URI and its data",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "contexts",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "array",
  "items": {
    "type": "object",
    "properties": {
      "schema": {
        "type": "string",
        "pattern": "^iglu:[a-zA-Z0-9_.-]+/[a-zA-Z0-9_-]+/jsonschema/[1-9][0-9]*-(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$"
      },
      "data": {}
    },
    "required": ["schema", "data"],
    "additionalProperties": false
  }
})json"},
    {"iglu:com.snowplowanalytics.snowplow/desktop_context/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The operating system and hardware of a desktop application",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "desktop_context",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "osType": {
      "type": "string"
    },
    "osVersion": {
      "type": "string"
    },
    "osServicePack": {
      "type": ["string", "null"]
    },
    "osIs64Bit": {
      "type": ["boolean", "null"]
    },
    "deviceManufacturer": {
      "type": ["string", "null"]
    },
    "deviceModel": {
      "type": ["string", "null"]
    },
    "deviceProcessorCount": {
      "type": ["integer", "null"],
      "minimum": 0
    }
  },
  "required": ["osType", "osVersion"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/focus_form/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A form field gained focus",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "focus_form",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "formId": {
      "type": "string"
    },
    "elementId": {
      "type": "string"
    },
    "nodeName": {
      "type": "string",
      "enum": ["INPUT", "TEXTAREA", "SELECT"]
    },
    "type": {
      "type": ["string", "null"],
      "enum": ["button", "checkbox", "color", "date", "datetime", "datetime-local", "email", "file", "hidden", "image", "month", "number", "password", "radio", "range", "reset", "search", "submit", "tel", "text", "time", "url", "week", null]
    },
    "elementClasses": {
      "type": ["array", "null"],
      "items": {
        "type": "string"
      }
    },
    "value": {
      "type": ["string", "null"]
    }
  },
  "required": ["formId", "elementId", "nodeName", "value"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/geolocation_context/jsonschema/1-1-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "Where the device is: position, altitude, heading and speed, with their accuracy",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "geolocation_context",
    "format": "jsonschema",
    "version": "1-1-0"
  },
  "type": "object",
  "properties": {
    "latitude": {
      "type": "number",
      "minimum": -90,
      "maximum": 90
    },
    "longitude": {
      "type": "number",
      "minimum": -180,
      "maximum": 180
    },
    "latitudeLongitudeAccuracy": {
      "type": ["number", "null"]
    },
    "altitude": {
      "type": ["number", "null"]
    },
    "altitudeAccuracy": {
      "type": ["number", "null"]
    },
    "bearing": {
      "type": ["number", "null"]
    },
    "speed": {
      "type": ["number", "null"]
    },
    "timestamp": {
      "type": ["integer", "null"]
    }
  },
  "required": ["latitude", "longitude"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A click on a link",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "link_click",
    "format": "jsonschema",
    "version": "1-0-1"
  },
  "type": "object",
  "properties": {
    "elementId": {
      "type": "string"
    },
    "elementClasses": {
      "type": "array",
      "items": {
        "type": "string"
      }
    },
    "elementTarget": {
      "type": "string"
    },
    "targetUrl": {
      "type": "string",
      "format": "uri",
      "minLength": 1
    },
    "elementContent": {
      "type": "string"
    }
  },
  "required": ["targetUrl"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/mobile_context/jsonschema/1-0-2",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The device, operating system, network and identifiers of a mobile app",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "mobile_context",
    "format": "jsonschema",
    "version": "1-0-2"
  },
  "type": "object",
  "properties": {
    "osType": {
      "type": "string"
    },
    "osVersion": {
      "type": "string"
    },
    "deviceManufacturer": {
      "type": "string"
    },
    "deviceModel": {
      "type": "string"
    },
    "carrier": {
      "type": ["string", "null"]
    },
    "networkType": {
      "type": ["string", "null"],
      "enum": ["mobile", "wifi", "offline", null]
    },
    "networkTechnology": {
      "type": ["string", "null"]
    },
    "openIdfa": {
      "type": ["string", "null"]
    },
    "appleIdfa": {
      "type": ["string", "null"]
    },
    "appleIdfv": {
      "type": ["string", "null"]
    },
    "androidIdfa": {
      "type": ["string", "null"]
    },
    "physicalMemory": {
      "type": ["integer", "null"],
      "minimum": 0
    },
    "systemAvailableMemory": {
      "type": ["integer", "null"],
      "minimum": 0
    },
    "appAvailableMemory": {
      "type": ["integer", "null"],
      "minimum": 0
    },
    "batteryLevel": {
      "type": ["integer", "null"],
      "minimum": 0,
      "maximum": 100
    },
    "batteryState": {
      "type": ["string", "null"],
      "enum": ["unplugged", "charging", "full", null]
    },
    "lowPowerMode": {
      "type": ["boolean", "null"]
    },
    "availableStorage": {
      "type": ["integer", "null"],
      "minimum": 0
    },
    "totalStorage": {
      "type": ["integer", "null"],
      "minimum": 0
    },
    "isPortrait": {
      "type": ["boolean", "null"]
    },
    "resolution": {
      "type": ["string", "null"]
    },
    "scale": {
      "type": ["number", "null"]
    },
    "language": {
      "type": ["string", "null"],
      "maxLength": 8
    },
    "appSetId": {
      "type": ["string", "null"],
      "format": "uuid"
    },
    "appSetIdScope": {
      "type": ["string", "null"],
      "enum": ["app", "developer", null]
    }
  },
  "required": ["osType", "osVersion", "deviceManufacturer", "deviceModel"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/remove_from_cart/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A product removed from the cart",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "remove_from_cart",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "sku": {
      "type": "string"
    },
    "name": {
      "type": "string"
    },
    "category": {
      "type": "string"
    },
    "unitPrice": {
      "type": "number"
    },
    "quantity": {
      "type": "number"
    },
    "currency": {
      "type": "string",
      "minLength": 3,
      "maxLength": 3
    }
  },
  "required": ["sku", "quantity"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/screen_view/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A screen of a mobile app viewed, and the screen before it",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "screen_view",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "name": {
      "type": "string"
    },
    "type": {
      "type": ["string", "null"]
    },
    "id": {
      "type": "string",
      "format": "uuid"
    },
    "previousName": {
      "type": ["string", "null"]
    },
    "previousId": {
      "type": ["string", "null"],
      "format": "uuid"
    },
    "previousType": {
      "type": ["string", "null"]
    },
    "transitionType": {
      "type": ["string", "null"]
    }
  },
  "required": ["name", "id"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/site_search/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A search on the site: its terms, filters and result counts",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "site_search",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "terms": {
      "type": "array",
      "items": {
        "type": "string"
      },
      "minItems": 1
    },
    "filters": {
      "type": "object",
      "additionalProperties": {
        "type": ["string", "boolean"]
      }
    },
    "totalResults": {
      "type": "integer",
      "minimum": 0,
      "maximum": 2147483647
    },
    "pageResults": {
      "type": "integer",
      "minimum": 0,
      "maximum": 2147483647
    }
  },
  "required": ["terms"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/submit_form/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A form submitted, with the values of its fields",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "submit_form",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "formId": {
      "type": "string"
    },
    "formClasses": {
      "type": "array",
      "items": {
        "type": "string"
      }
    },
    "elements": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "value": {
            "type": ["string", "null"]
          },
          "nodeName": {
            "type": "string",
            "enum": ["INPUT", "TEXTAREA", "SELECT"]
          },
          "type": {
            "type": ["string", "null"],
            "enum": ["button", "checkbox", "color", "date", "datetime", "datetime-local", "email", "file", "hidden", "image", "month", "number", "password", "radio", "range", "reset", "search", "submit", "tel", "text", "time", "url", "week", null]
          }
        },
        "required": ["name", "value", "nodeName"],
        "additionalProperties": false
      }
    }
  },
  "required": ["formId"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/timing/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "A user timing: how long something took, in milliseconds",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "timing",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "category": {
      "type": "string"
    },
    "variable": {
      "type": "string"
    },
    "timing": {
      "type": "integer"
    },
    "label": {
      "type": ["string", "null"]
    }
  },
  "required": ["category", "variable", "timing"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The browser, operating system and device a user agent names",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "ua_parser_context",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "useragentFamily": {
      "type": "string"
    },
    "useragentMajor": {
      "type": ["string", "null"]
    },
    "useragentMinor": {
      "type": ["string", "null"]
    },
    "useragentPatch": {
      "type": ["string", "null"]
    },
    "useragentVersion": {
      "type": "string"
    },
    "osFamily": {
      "type": "string"
    },
    "osMajor": {
      "type": ["string", "null"]
    },
    "osMinor": {
      "type": ["string", "null"]
    },
    "osPatch": {
      "type": ["string", "null"]
    },
    "osPatchMinor": {
      "type": ["string", "null"]
    },
    "osVersion": {
      "type": "string"
    },
    "deviceFamily": {
      "type": "string"
    }
  },
  "required": ["useragentFamily", "useragentVersion", "osFamily", "osVersion", "deviceFamily"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The envelope of a self-describing event: a schema URI and its data",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "unstruct_event",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "schema": {
      "type": "string",
      "pattern": "^iglu:[a-zA-Z0-9_.-]+/[a-zA-Z0-9_-]+/jsonschema/[1-9][0-9]*-(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$"
    },
    "data": {}
  },
  "required": ["schema", "data"],
  "additionalProperties": false
})json"},
    {"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
     R"json({
  "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
  "description": "The page view a web event belongs to, generated by the JavaScript tracker for every page view",
  "self": {
    "vendor": "com.snowplowanalytics.snowplow",
    "name": "web_page",
    "format": "jsonschema",
    "version": "1-0-0"
  },
  "type": "object",
  "properties": {
    "id": {
      "type": "string",
      "format": "uuid"
    }
  },
  "required": ["id"],
  "additionalProperties": false
})json"},
};

}  // namespace

std::span<const BuiltinSchema> BuiltinSchemas() { return kSchemas; }

}  // namespace footfall::iglu
