import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/access.decorators';
import { ListRegulatorReadsQueryDto, RegulatorReadPageDto } from './dto/regulator-read.dto';
import { RegulatorReadsService } from './regulator-reads.service';

@ApiTags('audit')
@Controller('v1/audit/regulator-reads')
export class RegulatorReadsController {
  constructor(private readonly reads: RegulatorReadsService) {}

  @Get()
  @Allow({ platformAdmin: true })
  @ApiOperation({
    summary: 'Every read a regulator made of other organisations’ data (platform administrator)',
    description:
      'Newest first. Each row says who (regulator organisation, member, credential), what (resource type, ids, route, path) and when. Append-only.',
  })
  @ApiOkResponse({ type: RegulatorReadPageDto })
  list(@Query() query: ListRegulatorReadsQueryDto) {
    return this.reads.list(query);
  }
}
