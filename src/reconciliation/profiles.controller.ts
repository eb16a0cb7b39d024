import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyAuthenticated } from '../common/auth/access.decorators';
import { ActiveProfileQueryDto, RuleProfileResponseDto } from './dto/profile.dto';
import { DEFAULT_REGIME, ProfilesService } from './profiles.service';

@ApiTags('reconciliation')
@Controller('v1/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get('active')
  @AnyAuthenticated()
  @ApiOperation({
    summary: 'The rule profile in force: which rules run, BLOCK / FLAG / REPORT, severities and thresholds',
    description: 'For a regime (default CN) on a day (default today, China time).',
  })
  @ApiOkResponse({ type: RuleProfileResponseDto })
  @ApiNotFoundResponse({ description: 'No profile of that regime is in force on that day' })
  async active(@Query() query: ActiveProfileQueryDto): Promise<RuleProfileResponseDto> {
    return RuleProfileResponseDto.from(
      await this.profiles.inForce(query.date ?? new Date(), query.regime ?? DEFAULT_REGIME),
    );
  }
}
