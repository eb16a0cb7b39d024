import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FactsLoader } from '../../../src/reconciliation/facts/facts.loader';
import { FactsRepository } from '../../../src/reconciliation/facts/facts.repository';
import {
  MANIFEST_FACTS_SOURCE,
  NO_MANIFEST_FACTS,
  type ManifestFactsSource,
} from '../../../src/reconciliation/facts/manifest-facts.source';

const fake: ManifestFactsSource = {
  load: () => Promise.resolve({ manifests: [] }),
  idsForRun: () => Promise.resolve(['m']),
};

@Module({ providers: [FactsRepository, FactsLoader], exports: [FactsLoader] })
class ReconciliationLike {}

/** As the manifests module will: provides the token, exports nothing, imports nothing of ours. */
@Module({ providers: [{ provide: MANIFEST_FACTS_SOURCE, useValue: fake }] })
class ManifestsLike {}

describe('ManifestFactsSource registration', () => {
  it('a provider of MANIFEST_FACTS_SOURCE in any module is picked up by the facts loader', async () => {
    const ref = await Test.createTestingModule({ imports: [ReconciliationLike, ManifestsLike] }).compile();
    await ref.init();
    assert.equal(ref.get(FactsLoader).manifests, fake);
    await ref.close();
  });

  it('without one, batches have no manifest facts', async () => {
    const ref = await Test.createTestingModule({ imports: [ReconciliationLike] }).compile();
    await ref.init();
    assert.equal(ref.get(FactsLoader).manifests, NO_MANIFEST_FACTS);
    await ref.close();
  });
});
