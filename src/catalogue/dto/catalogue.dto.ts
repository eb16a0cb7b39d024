import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate, IsPlainText } from '../../common/http/field-decorators';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import { HAZARD_CHARACTERISTICS, type HazardCharacteristic, type HazardMode } from '../domain/hazard';
import { MODE_OF_KIND, OperationKind, OperationMode } from '../domain/operation';
import type { CatalogueEdition } from '../entities/catalogue-edition.entity';
import type { MedicalWasteClass } from '../entities/medical-waste-class.entity';
import type { OperationCode } from '../entities/operation-code.entity';
import type { WasteCategory } from '../entities/waste-category.entity';
import type { WasteCode } from '../entities/waste-code.entity';

const HAZARD_MODES: HazardMode[] = ['SINGLE', 'FIRST_CERTAIN_OTHERS_POSSIBLE', 'ONE_OR_MORE'];

/** Which edition to read: one by id, the one in force on a date, or (neither) the one in force today in China. */
export class EditionQueryDto {
  @ApiPropertyOptional({ description: 'Edition id (see /v1/catalogue/editions)', example: 'CN-HW-2021' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,40}$/, { message: 'edition must be an edition id' })
  edition?: string;

  @ApiPropertyOptional({
    description: 'The edition in force on this date (China time). Default: today.',
    example: '2024-06-01',
  })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListWasteCodesQueryDto extends IntersectionType(PageQueryDto, EditionQueryDto) {
  @ApiPropertyOptional({ description: 'Waste category', example: 'HW08' })
  @IsOptional()
  @Matches(/^HW\d{2}$/, { message: 'category must be HW followed by two digits' })
  category?: string;

  @ApiPropertyOptional({ enum: HAZARD_CHARACTERISTICS, description: 'Codes listing this hazard characteristic' })
  @IsOptional()
  @IsEnum(Object.fromEntries(HAZARD_CHARACTERISTICS.map((h) => [h, h])))
  hazard?: HazardCharacteristic;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'With `hazard`: only codes that certainly have it (the first of a `,` list, or a single one)',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  hazardCertain?: boolean;

  @ApiPropertyOptional({ description: 'Medical-waste class', example: 'INFECTIOUS' })
  @IsOptional()
  @Matches(/^[A-Z_]{1,20}$/, { message: 'medicalClass must be a class code such as INFECTIOUS' })
  medicalClass?: string;

  @ApiPropertyOptional({ description: 'Text contained in the Chinese description', example: '铅蓄电池' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsPlainText()
  q?: string;

  @ApiPropertyOptional({
    description:
      'Industry: the 3-digit industry code (first digits of the code, 900 = non-specific) or the 行业来源 name',
    example: '900',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsPlainText()
  industry?: string;
}

export class HazardDto {
  @ApiProperty({ description: 'As printed, with an ASCII comma', example: 'T,I' }) raw!: string;
  @ApiProperty({
    enum: HAZARD_MODES,
    description:
      'SINGLE: has it; FIRST_CERTAIN_OTHERS_POSSIBLE (`,`): has the first, may have the others; ONE_OR_MORE (`/`): has at least one',
  })
  mode!: HazardMode;
  @ApiProperty({ enum: HAZARD_CHARACTERISTICS, isArray: true, description: 'Every characteristic listed' })
  listed!: HazardCharacteristic[];
  @ApiProperty({ enum: HAZARD_CHARACTERISTICS, isArray: true, description: 'Those the waste certainly has' })
  certain!: HazardCharacteristic[];
}

export class EditionDto {
  @ApiProperty({ example: 'CN-HW-2021' }) id!: string;
  @ApiProperty({ example: 'CN_HW' }) scheme!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '2021-01-01' }) effectiveFrom!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Exclusive end; null while in force' })
  effectiveTo!: string | null;
  @ApiProperty() source!: string;
  @ApiProperty({
    description:
      'Whether it is in force on the requested date (false: it has ended and its successor is not loaded yet)',
  })
  inForce!: boolean;

  static from(e: CatalogueEdition, inForce: boolean): EditionDto {
    return {
      id: e.id,
      scheme: e.scheme,
      name: e.name,
      effectiveFrom: e.effectiveFrom,
      effectiveTo: e.effectiveTo,
      source: e.source,
      inForce,
    };
  }
}

export class WasteCodeDto {
  @ApiProperty({ example: '900-214-08' }) code!: string;
  @ApiProperty({ example: 'CN-HW-2021' }) editionId!: string;
  @ApiProperty({ example: 'HW08' }) category!: string;
  @ApiProperty() categoryNameZh!: string;
  @ApiProperty() categoryNameEn!: string;
  @ApiProperty({ example: '900', description: 'Digits 1–3 (GB/T 4754-2017); 900 = non-specific' })
  industryCode!: string;
  @ApiProperty({ example: '非特定行业' }) industrySourceZh!: string;
  @ApiProperty() descriptionZh!: string;
  @ApiProperty({ type: HazardDto }) hazard!: HazardDto;
  @ApiProperty({ nullable: true, type: String, example: 'INFECTIOUS' }) medicalClass!: string | null;

  static from(c: WasteCode, category: WasteCategory | undefined): WasteCodeDto {
    return {
      code: c.code,
      editionId: c.editionId,
      category: c.category,
      categoryNameZh: category?.nameZh ?? '',
      categoryNameEn: category?.nameEn ?? '',
      industryCode: c.code.slice(0, 3),
      industrySourceZh: c.industrySourceZh,
      descriptionZh: c.descriptionZh,
      hazard: {
        raw: c.hazardRaw,
        mode: c.hazardMode as HazardMode,
        listed: c.hazardListed as HazardCharacteristic[],
        certain: c.hazardCertain as HazardCharacteristic[],
      },
      medicalClass: c.medicalClass,
    };
  }
}

export class WasteCodeDetailDto extends WasteCodeDto {
  @ApiProperty({ type: EditionDto }) edition!: EditionDto;
}

export class WasteCodePageDto extends PageMetaDto {
  @ApiProperty({ type: EditionDto }) edition!: EditionDto;
  @ApiProperty({ type: [WasteCodeDto] }) items!: WasteCodeDto[];
}

export class CategoryDto {
  @ApiProperty({ example: 'HW08' }) category!: string;
  @ApiProperty({ example: '废矿物油与含矿物油废物' }) nameZh!: string;
  @ApiProperty({ description: 'Our translation, not official' }) nameEn!: string;
  @ApiProperty({ description: 'Codes of this category in the edition' }) codeCount!: number;
}

export class CategoryListDto {
  @ApiProperty({ type: EditionDto }) edition!: EditionDto;
  @ApiProperty({ type: [CategoryDto] }) items!: CategoryDto[];
}

export class MedicalClassDto {
  @ApiProperty({ example: 'INFECTIOUS' }) classCode!: string;
  @ApiProperty({ example: '感染性废物' }) nameZh!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty({ example: '841-001-01', description: 'Its HW01 code in the national list' }) hwCode!: string;
  @ApiProperty({ description: 'Digest of the examples in 《医疗废物分类目录（2021年版）》' }) examplesZh!: string;

  static from(c: MedicalWasteClass): MedicalClassDto {
    return { classCode: c.classCode, nameZh: c.nameZh, nameEn: c.nameEn, hwCode: c.hwCode, examplesZh: c.examplesZh };
  }
}

export class MedicalClassListDto {
  @ApiProperty({ type: EditionDto }) edition!: EditionDto;
  @ApiProperty({ type: [MedicalClassDto] }) items!: MedicalClassDto[];
}

export class EditionListDto {
  @ApiProperty({ type: [EditionDto], description: '`inForce` refers to today (China time)' }) items!: EditionDto[];
}

export class ListOperationCodesQueryDto {
  @ApiPropertyOptional({
    description: 'Scheme: CN_LICENCE_MODE, CN_HW_METHOD or EU_WFD (all when omitted)',
    example: 'EU_WFD',
  })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{1,20}$/, { message: 'scheme must be a scheme name such as EU_WFD' })
  scheme?: string;
}

export class OperationCodeDto {
  @ApiProperty({ example: 'EU_WFD' }) scheme!: string;
  @ApiProperty({ example: 'D10' }) code!: string;
  @ApiProperty() nameZh!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty({ enum: OperationKind }) kind!: OperationKind;
  @ApiProperty({ enum: OperationMode, description: 'The licence operation mode it falls under' })
  mode!: OperationMode;
  @ApiProperty({ description: 'An interim operation (EU R12, R13, D13–D15)' }) interim!: boolean;
  @ApiProperty() source!: string;

  static from(o: OperationCode): OperationCodeDto {
    return {
      scheme: o.scheme,
      code: o.code,
      nameZh: o.nameZh,
      nameEn: o.nameEn,
      kind: o.kind,
      mode: MODE_OF_KIND[o.kind],
      interim: o.interim,
      source: o.source,
    };
  }
}

export class OperationCodeListDto {
  @ApiProperty({ type: [OperationCodeDto] }) items!: OperationCodeDto[];
}
