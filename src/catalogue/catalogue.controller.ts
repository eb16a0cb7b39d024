import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyAuthenticated } from '../common/auth/access.decorators';
import { CatalogueQueryService } from './catalogue-query.service';
import {
  CategoryListDto,
  EditionListDto,
  EditionQueryDto,
  ListOperationCodesQueryDto,
  ListWasteCodesQueryDto,
  MedicalClassListDto,
  OperationCodeListDto,
  WasteCodeDetailDto,
  WasteCodePageDto,
} from './dto/catalogue.dto';

@ApiTags('catalogue')
@Controller('v1/catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueQueryService) {}

  @Get('waste-codes')
  @AnyAuthenticated()
  @ApiOperation({
    summary: 'Waste codes of an edition, filtered and cursor-paginated in code order',
    description:
      'The edition is the one given, or the one in force on `date`, or today (China time). When the latest loaded edition has ended and its successor is not loaded yet, it is returned with `edition.inForce: false`.',
  })
  @ApiOkResponse({ type: WasteCodePageDto })
  @ApiNotFoundResponse({ description: 'Unknown edition, or no edition started by that date' })
  listCodes(@Query() query: ListWasteCodesQueryDto) {
    return this.catalogue.listCodes(query);
  }

  @Get('waste-codes/:code')
  @AnyAuthenticated()
  @ApiOperation({ summary: 'One waste code (NNN-NNN-NN) in an edition' })
  @ApiOkResponse({ type: WasteCodeDetailDto })
  @ApiBadRequestResponse({ description: 'Not of the form NNN-NNN-NN' })
  @ApiNotFoundResponse({ description: 'Not listed in that edition' })
  getCode(@Param('code') code: string, @Query() query: EditionQueryDto) {
    return this.catalogue.getCode(code, query);
  }

  @Get('categories')
  @AnyAuthenticated()
  @ApiOperation({ summary: 'Waste categories (HW01–HW50) of an edition, with Chinese and English names' })
  @ApiOkResponse({ type: CategoryListDto })
  categories(@Query() query: EditionQueryDto) {
    return this.catalogue.categories(query);
  }

  @Get('medical-classes')
  @AnyAuthenticated()
  @ApiOperation({ summary: 'The medical-waste classes and their HW01 codes' })
  @ApiOkResponse({ type: MedicalClassListDto })
  medicalClasses(@Query() query: EditionQueryDto) {
    return this.catalogue.medicalClasses(query);
  }

  @Get('editions')
  @AnyAuthenticated()
  @ApiOperation({ summary: 'Loaded catalogue editions and their effective dates' })
  @ApiOkResponse({ type: EditionListDto })
  editions() {
    return this.catalogue.editions();
  }

  @Get('operation-codes')
  @AnyAuthenticated()
  @ApiOperation({
    summary: 'Operation codes: Chinese licence modes, Chinese utilisation/disposal methods, EU R1–R13 / D1–D15',
  })
  @ApiOkResponse({ type: OperationCodeListDto })
  operationCodes(@Query() query: ListOperationCodesQueryDto) {
    return this.catalogue.operationCodes(query);
  }
}
