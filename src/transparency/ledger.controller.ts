import { Controller, Get, Param, ParseUUIDPipe, Query, type PipeTransform } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Public } from '../common/auth/access.decorators';
import type { Principal } from '../common/auth/principal';
import { PageQueryDto } from '../common/pagination/cursor';
import { ValidationFailedError } from '../common/problem/domain-errors';
import { AuditRegulatorRead } from '../common/regulator-reads/regulator-read.interceptor';
import {
  CheckpointDto,
  CheckpointPageDto,
  ConsistencyProofDto,
  ConsistencyQueryDto,
  InclusionProofDto,
  InclusionQueryDto,
  PublicKeyListDto,
} from './dto/ledger.dto';
import { LedgerProofService } from './ledger-proof.service';

/** A positive integer path parameter up to `max`; anything else is a 400 naming the parameter. */
class PositiveIntPipe implements PipeTransform<string | number, number> {
  constructor(
    private readonly name: string,
    private readonly max: number,
  ) {}
  transform(value: string | number): number {
    // The global ValidationPipe may already have converted the text to a number.
    const text = String(value);
    const n = /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n > this.max) {
      throw new ValidationFailedError(`${this.name} must be a positive integer`, [
        { field: this.name, message: `must be an integer from 1 to ${this.max}` },
      ]);
    }
    return n;
  }
}

const PUBLIC_NOTE =
  'Public: checkpoints, keys and consistency proofs reveal only sizes, roots and hashes, and must be ' +
  'obtainable by anyone who holds a checkpoint (witnesses, other parties, auditors).';

@ApiTags('ledger')
@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerProofService) {}

  @Get('checkpoints')
  @Public()
  @ApiOperation({ summary: 'Signed checkpoints of the global log, newest first', description: PUBLIC_NOTE })
  @ApiOkResponse({ type: CheckpointPageDto })
  list(@Query() query: PageQueryDto) {
    return this.ledger.listCheckpoints(query);
  }

  @Get('checkpoints/latest')
  @Public()
  @ApiOperation({ summary: 'The latest signed checkpoint', description: PUBLIC_NOTE })
  @ApiOkResponse({ type: CheckpointDto })
  @ApiNotFoundResponse({ description: 'No checkpoint yet' })
  latest() {
    return this.ledger.latestCheckpoint();
  }

  @Get('checkpoints/:treeSize')
  @Public()
  @ApiOperation({ summary: 'The checkpoint of one tree size (never changes once signed)', description: PUBLIC_NOTE })
  @ApiParam({ name: 'treeSize', type: Number })
  @ApiOkResponse({ type: CheckpointDto })
  @ApiNotFoundResponse({ description: 'No checkpoint was signed at this size' })
  one(@Param('treeSize', new PositiveIntPipe('treeSize', Number.MAX_SAFE_INTEGER)) treeSize: number) {
    return this.ledger.checkpoint(treeSize);
  }

  @Get('public-keys')
  @Public()
  @ApiOperation({
    summary: 'Public keys that signed checkpoints (old keys stay listed after a rotation)',
    description: `${PUBLIC_NOTE} Fetch the key once, out of band, and keep it: never take it from a proof.`,
  })
  @ApiOkResponse({ type: PublicKeyListDto })
  publicKeys() {
    return this.ledger.publicKeys();
  }

  @Get('proofs/:lotId/:seq')
  @Allow({ members: true })
  @AuditRegulatorRead('lot', 'lotId')
  @ApiOperation({
    summary: 'Inclusion proof of one custody event (lot, seq) against the latest checkpoint or ?treeSize=',
    description:
      'For parties to the lot and regulators over one of its parties (others: 404). The answer is an InclusionProofJson ' +
      '(docs/ledger-merkle.md §4): `npm run verify-proof -- inclusion` checks it offline with the public key. The leaf ' +
      'carries the event’s hash as stored now, so an event rewritten after it was logged yields a proof that fails.',
  })
  @ApiParam({ name: 'seq', type: Number })
  @ApiOkResponse({ type: InclusionProofDto })
  @ApiNotFoundResponse({
    description:
      'Unknown or invisible lot or event; or the event is not in the log yet (no proof until the next checkpoint), ' +
      'or entered it after the requested checkpoint',
  })
  proof(
    @Param('lotId', ParseUUIDPipe) lotId: string,
    @Param('seq', new PositiveIntPipe('seq', 2_147_483_647)) seq: number,
    @Query() query: InclusionQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.ledger.inclusion(lotId, seq, principal, query.treeSize);
  }

  @Get('consistency')
  @Public()
  @ApiOperation({
    summary: 'Consistency proof between the checkpoints of sizes from and to (default: the latest)',
    description: `${PUBLIC_NOTE} A ConsistencyProofJson: \`npm run verify-proof -- consistency\` checks it offline.`,
  })
  @ApiOkResponse({ type: ConsistencyProofDto })
  @ApiNotFoundResponse({ description: 'No checkpoint at one of the sizes' })
  consistency(@Query() query: ConsistencyQueryDto) {
    return this.ledger.consistency(query.from, query.to);
  }
}
