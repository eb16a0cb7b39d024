import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seeds the default rule profile for China (`CN_DEFAULT_PROFILE` of src/reconciliation/domain/rule-profile.ts
 * as it stood when this migration was written; sources of every threshold in docs/rules.md). A later
 * profile, or a change of a threshold, is a new migration adding a profile with its own effective
 * dates (ending this one with effective_to), never an edit of this one.
 */
const PROFILE = {
  "id": "cn-default-2022",
  "regime": "CN",
  "name": "China: national rules with Shandong medical-waste rules",
  "effectiveFrom": "2022-01-01",
  "effectiveTo": null,
  "rules": {
    "CUSTODY_BREAK": {
      "enabled": true,
      "action": "FLAG",
      "severity": "HIGH",
      "thresholds": {}
    },
    "UNCONFIRMED_HANDOVER": {
      "enabled": true,
      "action": "FLAG",
      "severity": "WARNING",
      "thresholds": {
        "confirmWithinHours": 24,
        "reportLate": true
      }
    },
    "QUANTITY_DISCREPANCY": {
      "enabled": true,
      "action": "FLAG",
      "severity": "WARNING",
      "thresholds": {
        "weightToleranceBasisPoints": 500,
        "containerCountTolerance": 0
      }
    },
    "TYPE_DISCREPANCY": {
      "enabled": true,
      "action": "FLAG",
      "severity": "HIGH",
      "thresholds": {}
    },
    "TRANSIT_OVERDUE": {
      "enabled": true,
      "action": "FLAG",
      "severity": "WARNING",
      "thresholds": {
        "hazardousHours": 48,
        "medicalHours": 24,
        "reportLate": true
      }
    },
    "RECEIPT_CONFIRMATION_OVERDUE": {
      "enabled": true,
      "action": "FLAG",
      "severity": "WARNING",
      "thresholds": {
        "workingDays": 5,
        "reportLate": true
      }
    },
    "STORAGE_LIMIT_EXCEEDED": {
      "enabled": true,
      "action": "FLAG",
      "severity": "HIGH",
      "warningSeverity": "WARNING",
      "thresholds": {
        "medicalAtProducerWarnAfterHours": 36,
        "medicalAtProducerHours": 48,
        "generatorWarnAfterDays": 300,
        "generatorDays": 365,
        "operatorWarnAfterDays": 300,
        "operatorDays": 365,
        "collectionLicenceWorkingDays": 90,
        "reportLate": true
      }
    },
    "MEDICAL_COLLECTION_INTERVAL": {
      "enabled": true,
      "action": "FLAG",
      "severity": "HIGH",
      "thresholds": {
        "intervalHours": 48,
        "epidemicIntervalHours": 24,
        "onlyWithPendingWaste": true
      }
    },
    "TREATMENT_OVERDUE": {
      "enabled": true,
      "action": "FLAG",
      "severity": "HIGH",
      "thresholds": {
        "medicalHours": 72,
        "medicalEpidemicHours": 12,
        "hazardousWorkingDays": 90,
        "reportLate": true
      }
    },
    "UNLICENSED_PARTY": {
      "enabled": true,
      "action": "BLOCK",
      "severity": "CRITICAL",
      "thresholds": {}
    },
    "PERMIT_SCOPE": {
      "enabled": true,
      "action": "BLOCK",
      "severity": "CRITICAL",
      "thresholds": {}
    },
    "PERMIT_CAPACITY": {
      "enabled": true,
      "action": "FLAG",
      "severity": "HIGH",
      "warningSeverity": "WARNING",
      "escalatedSeverity": "CRITICAL",
      "thresholds": {
        "warnAtPercent": 90,
        "flagAbovePercent": 100,
        "escalateAbovePercent": 120
      }
    },
    "MASS_BALANCE": {
      "enabled": true,
      "action": "FLAG",
      "severity": "HIGH",
      "thresholds": {
        "lineageToleranceBasisPoints": 100,
        "lineageToleranceMinGrams": 100,
        "facilityToleranceBasisPoints": 100,
        "facilityToleranceMinGrams": 1000
      }
    },
    "ORPHAN_LOT": {
      "enabled": true,
      "action": "FLAG",
      "severity": "WARNING",
      "thresholds": {
        "hazardousInactiveDays": 90,
        "medicalInactiveHours": 72
      }
    },
    "CHAIN_TAMPERED": {
      "enabled": true,
      "action": "FLAG",
      "severity": "CRITICAL",
      "thresholds": {}
    },
    "CLOCK_ANOMALY": {
      "enabled": true,
      "action": "FLAG",
      "severity": "WARNING",
      "thresholds": {
        "futureSkewSeconds": 300,
        "backwardToleranceSeconds": 0
      }
    },
    "BLACKLISTED_PARTY": {
      "enabled": true,
      "action": "FLAG",
      "severity": "HIGH",
      "thresholds": {
        "grades": [
          "BLACK"
        ]
      }
    },
    "CUMULATIVE_LOSS": {
      "enabled": true,
      "action": "FLAG",
      "severity": "WARNING",
      "escalatedSeverity": "CRITICAL",
      "thresholds": {
        "windowDays": 365,
        "flagAboveGrams": 0,
        "escalateAtGrams": 3000000,
        "seriousAtGrams": 100000000
      }
    }
  }
} as const;

export class SeedCnDefaultProfile1795868000100 implements MigrationInterface {
  name = 'SeedCnDefaultProfile1795868000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO rule_profiles (id, regime, name, effective_from, effective_to, body) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [PROFILE.id, PROFILE.regime, PROFILE.name, PROFILE.effectiveFrom, PROFILE.effectiveTo, JSON.stringify(PROFILE)],
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM rule_profiles WHERE id = $1`, [PROFILE.id]);
  }
}
